"""Daphne hands request bodies to Django untouched: Twisted does not parse forms first."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import PASSWORD, LiveServer, make_user

pytestmark = pytest.mark.django_db(transaction=True)

NOT_MULTIPART = {"Content-Type": "multipart/form-data; boundary=xyz"}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [("/webhooks/kallglot", 400, "missing_signature"), ("/api/sessions", 403, "csrf_failed")],
)
def test_a_body_that_is_not_the_multipart_it_claims_gets_the_json_error(
    live_server_daphne: LiveServer, path: str, status: int, code: str
) -> None:
    # Twisted would answer this itself, with a bare 400 and a closed connection.
    response = httpx.post(
        f"{live_server_daphne.url}{path}", content=b"this is not multipart", headers=NOT_MULTIPART
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_form_still_reaches_django_whole(live_server_daphne: LiveServer, encoding: str) -> None:
    make_user("dora")
    with httpx.Client(base_url=live_server_daphne.url, timeout=10) as client:
        client.get("/accounts/login/")
        fields = {
            "username": "dora",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        }
        form = (
            {"data": fields}
            if encoding == "urlencoded"
            else {"files": {"x": ("", b"")}, "data": fields}
        )
        signed_in = client.post(
            "/accounts/login/",
            headers={"Referer": f"{live_server_daphne.url}/accounts/login/"},
            **form,
        )

        assert signed_in.status_code == 302
        # 401 if the form had not signed dora in
        assert client.get(f"/api/sessions/{uuid.uuid4()}").status_code == 404
