"""POST /api/sessions against the running sandbox."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import CallSession, SessionEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create(client, body: dict | None = None, key: str | None = "click-1", **headers: str):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    payload = json.dumps(body if body is not None else {"mode": "bidirectional_translation"})
    return client.post("/api/sessions", payload, content_type="application/json", **headers)


def test_it_creates_a_session_and_hands_out_only_the_stream_credentials(sandbox, alice):
    body = {
        "mode": "bidirectional_translation",
        "source_language": "en",
        "target_language": "es",
        "metadata": {"external_call_id": "call-77", "customer_id": "cust-9"},
    }
    response = create(client_for(alice), body)

    assert response.status_code == 201
    data = response.json()
    session = CallSession.objects.get()
    assert data["id"] == str(session.public_id)
    assert data["kallglot_id"] == session.kallglot_id
    assert data["kallglot_id"].startswith("sess_")
    assert data["status"] == "created"
    assert (data["mode"], data["source_language"], data["target_language"]) == (
        "bidirectional_translation",
        "en",
        "es",
    )
    assert data["stream"]["token"].startswith("kst_")
    assert data["stream"]["url"].endswith(f"/sessions/{session.kallglot_id}/connect")
    assert data["status_socket"].startswith(f"/ws/sessions/{session.public_id}/?ticket=")
    assert data["last_event_seq"] == 1
    assert "sk_test_sandbox" not in response.content.decode()
    assert session.agent == alice
    assert session.idempotency_key == "click-1"
    upstream = sandbox.session(session.kallglot_id)
    assert upstream["metadata"] == {"external_call_id": "call-77", "customer_id": "cust-9"}
    assert [e.kind for e in SessionEvent.objects.filter(session=session)] == ["session.created"]


def test_it_gives_one_session_for_a_repeated_click(sandbox, alice):
    client = client_for(alice)
    first = create(client, key="double-click")
    second = create(client, key="double-click")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["stream"]["token"].startswith("kst_")
    assert CallSession.objects.count() == 1
    assert len(sandbox.sessions()) == 1


def test_it_keeps_two_agents_keys_apart(sandbox, alice, bob):
    create(client_for(alice), key="same-key")
    create(client_for(bob), key="same-key")

    assert CallSession.objects.count() == 2
    assert len(sandbox.sessions()) == 2


def test_it_refuses_a_key_reused_for_another_request(sandbox, alice):
    client = client_for(alice)
    create(client, key="k1")
    response = create(client, {"mode": "assistive_translation"}, key="k1")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_mismatch"
    assert len(sandbox.sessions()) == 1


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({}, "invalid_mode", "mode"),
        ({"mode": "karaoke"}, "invalid_mode", "mode"),
        ({"mode": "ai_agent", "source_language": "xx"}, "invalid_language", "source_language"),
        ({"mode": "ai_agent", "target_language": 7}, "invalid_language", "target_language"),
        ({"mode": "ai_agent", "metadata": ["a"]}, "invalid_metadata", "metadata"),
        ({"mode": "ai_agent", "metadata": {"a": 1}}, "invalid_metadata", "metadata.a"),
        ({"mode": "ai_agent", "metadata": {"a": "x" * 501}}, "invalid_metadata", "metadata.a"),
        (
            {"mode": "ai_agent", "metadata": {"bad key": "x"}},
            "invalid_metadata",
            "metadata.bad key",
        ),
        (
            {"mode": "ai_agent", "metadata": {f"k{i}": "v" for i in range(21)}},
            "invalid_metadata",
            "metadata",
        ),
    ],
)
def test_it_explains_invalid_input_and_creates_nothing(sandbox, alice, body, code, param):
    response = create(client_for(alice), body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["param"] == param
    assert response.json()["error"]["message"]
    assert sandbox.sessions() == []
    assert not CallSession.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_it_refuses_a_body_that_is_not_a_json_object(sandbox, alice, raw):
    response = client_for(alice).post("/api/sessions", raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_it_refuses_a_malformed_idempotency_key(sandbox, alice):
    response = create(client_for(alice), key="x" * 101)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "Idempotency-Key"


def test_it_requires_sign_in(client, db):
    response = create(client)

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "You are signed out (perhaps in another tab). "
            "Reload the page to sign in again.",
        }
    }


def test_it_requires_the_csrf_token(sandbox, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = create(client)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert sandbox.sessions() == []


def test_it_answers_other_methods_with_405(alice):
    response = client_for(alice).get("/api/sessions")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
