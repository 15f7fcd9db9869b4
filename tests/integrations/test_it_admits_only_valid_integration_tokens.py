"""Integration tokens: only a known, unrevoked token gets in, and only on its own routes; the
database holds only the token's hash, the admin shows it once; every use is audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from sessions_app.models import IntegrationToken, IntegrationUse, QueuedCall
from tests.conftest import client_for
from tests.integrations.pbx import CALLS, auth, call_body, make_token, sip_route

pytestmark = pytest.mark.django_db


def post(client: Client, key: str | None, body: dict | None = None, **headers: str):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    payload = json.dumps(body if body is not None else call_body(queue="PBX line"))
    return client.post(CALLS, payload, content_type="application/json", **headers)


def error(response) -> str:
    return response.json()["error"]["code"]


def test_a_call_without_a_token_or_with_an_unknown_one_is_refused(client):
    make_token(sip_route())
    for response in (
        post(client, None),
        post(client, "kgi_not-a-token"),
        post(client, None, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"),
    ):
        assert response.status_code == 401
        assert error(response) == "invalid_token"
        assert response["WWW-Authenticate"] == "Bearer"
    assert not QueuedCall.objects.exists()
    assert not IntegrationUse.objects.exists()  # nothing to attribute it to


def test_a_revoked_token_is_refused_and_its_try_audited(client):
    token, key = make_token(sip_route())
    token.revoked_at = timezone.now()
    token.save()

    response = post(client, key)

    assert response.status_code == 401
    assert error(response) == "token_revoked"
    assert not QueuedCall.objects.exists()
    use = IntegrationUse.objects.get()
    assert (use.token, use.action, use.status, use.code) == (token, "create", 401, "token_revoked")


def test_a_token_may_use_only_its_own_routes(client):
    sip_route()
    other = sip_route("Other PBX line")
    _, key = make_token(other)

    for route in ("PBX line", "No such line", None):
        response = post(client, key, call_body(route=route, queue="Other PBX line"))
        assert response.status_code == 403, response.content
        assert error(response) == "route_not_allowed"
    assert not QueuedCall.objects.exists()
    assert [use.status for use in IntegrationUse.objects.all()] == [403, 403, 403]


def test_a_valid_token_puts_a_call_on_its_route_and_the_use_is_audited(client, sandbox):
    token, key = make_token(sip_route())

    response = post(client, key, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 201, response.content
    call = QueuedCall.objects.select_related("session").get()
    use = IntegrationUse.objects.get()
    assert (use.token, use.status, use.session, use.remote_address) == (
        token,
        201,
        call.session,
        "192.0.2.7",
    )
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_database_holds_only_the_tokens_hash(client):
    token, key = make_token(sip_route())

    stored = json.dumps(list(IntegrationToken.objects.values()), default=str)

    assert key not in stored
    assert key[12:] not in stored  # not even the part beyond the shown prefix
    assert token.prefix == key[:12]
    assert len(token.key_hash) == 64


def test_the_admin_shows_a_new_token_once_and_never_again(charlie):
    route = sip_route()
    admin = client_for(charlie)

    made = admin.post(
        "/admin/sessions_app/integrationtoken/add/", {"name": "Berlin PBX", "routes": [route.pk]}
    )

    assert made.status_code == 200, made.content
    token = IntegrationToken.objects.get()
    key = made.context["key"]
    assert key.startswith("kgi_")
    assert key in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    assert list(token.routes.all()) == [route]
    assert token.created_by == charlie
    for page in (
        "/admin/sessions_app/integrationtoken/",
        f"/admin/sessions_app/integrationtoken/{token.pk}/change/",
    ):
        shown = admin.get(page)
        assert shown.status_code == 200
        assert token.prefix in shown.content.decode()
        assert key not in shown.content.decode()
    response = post(Client(), key, call_body(agent="nobody"))
    assert error(response) == "unknown_agent"  # the shown key works


def test_the_admin_revokes_a_token(charlie, client):
    token, key = make_token(sip_route())
    admin = client_for(charlie)

    admin.post(
        "/admin/sessions_app/integrationtoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.is_revoked
    assert error(post(client, key)) == "token_revoked"
    assert admin.post(f"/admin/sessions_app/integrationtoken/{token.pk}/delete/").status_code == 403


def test_supervisors_see_every_use_of_a_token(charlie, client):
    token, key = make_token(sip_route())
    post(client, key, call_body(route="Elsewhere"))

    page = client_for(charlie).get(
        f"/admin/sessions_app/integrationuse/?token__id__exact={token.pk}"
    )

    assert page.status_code == 200
    assert "route_not_allowed" in page.content.decode()


def test_only_the_api_takes_bearer_tokens(client):
    _, key = make_token(sip_route())

    response = client.get("/api/agent", headers=auth(key))

    assert response.status_code == 401


def test_a_sign_in_is_no_token(charlie):
    make_token(sip_route())

    response = post(client_for(charlie), None)

    assert response.status_code == 401
    assert not QueuedCall.objects.exists()
