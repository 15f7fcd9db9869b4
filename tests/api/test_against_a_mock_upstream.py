"""The session views against `httpx.MockTransport`: what is sent upstream, and upstream
answers the sandbox never gives (LEGACY shapes, a broken body)."""

from __future__ import annotations

import json

import httpx
import pytest

from sessions_app.kallglot import KallglotClient, reset_clients, set_client
from sessions_app.models import CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LEGACY_SESSION = {
    "id": "sess_01LEGACY",
    "object": "session",
    "status": "created",
    "mode": "bidirectional_translation",
    "source_language": "en",
    "target_language": "de",
    "provider": {"type": "twilio", "phone_number": "+14155551234", "status": "pending"},
    "stream": {
        "url": "wss://stream.kallglot.com/v1/sessions/sess_01LEGACY/connect",
        "token": "kst_live_abcdef",
        "expires_at": "2026-03-26T12:00:00Z",
    },
    "recording": {"enabled": True, "channels": "dual"},
    "metadata": {"external_call_id": "c-1"},
    "call": None,
    "created_at": "2026-03-26T11:00:00Z",
}


@pytest.fixture
def upstream(settings):
    """Install a client whose network is a MockTransport; yields the requests it saw."""
    seen: list[httpx.Request] = []
    answers: list[httpx.Response] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    set_client(
        KallglotClient(
            api_key="sk_test_mock_key",
            base_url="https://api.kallglot.test/v1",
            transport=httpx.MockTransport(handler),
            max_attempts=1,
        )
    )
    yield seen, answers
    reset_clients()


def create(user, key: str = "click-9"):
    body = {
        "mode": "bidirectional_translation",
        "source_language": "en",
        "target_language": "de",
        "metadata": {"external_call_id": "c-1"},
    }
    return client_for(user).post(
        "/api/sessions", json.dumps(body), content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )  # fmt: skip


def test_it_sends_exactly_what_kallglot_expects(upstream, alice):
    seen, answers = upstream
    answers.append(httpx.Response(201, json=LEGACY_SESSION))

    create(alice)

    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/v1/sessions")
    assert request.headers["Authorization"] == "Bearer sk_test_mock_key"
    assert request.headers["Idempotency-Key"] == f"console:{alice.pk}:click-9"
    assert json.loads(request.content) == {
        "mode": "bidirectional_translation",
        "source_language": "en",
        "target_language": "de",
        "metadata": {"external_call_id": "c-1"},
        "recording": {"enabled": True},
    }


def test_it_accepts_a_legacy_shaped_session(upstream, alice):
    _, answers = upstream
    answers.append(httpx.Response(201, json=LEGACY_SESSION))

    response = create(alice)

    assert response.status_code == 201
    assert response.json()["kallglot_id"] == "sess_01LEGACY"
    assert response.json()["stream"] == {
        "url": "wss://stream.kallglot.com/v1/sessions/sess_01LEGACY/connect",
        "token": "kst_live_abcdef",
        "expires_at": "2026-03-26T12:00:00+00:00",
    }
    assert CallSession.objects.get().kallglot_id == "sess_01LEGACY"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(201, text="<html>not json</html>"),
        httpx.Response(201, json={"object": "session", "status": "created"}),
        httpx.Response(201, json=LEGACY_SESSION | {"id": "anl_wrong_prefix"}),
    ],
)
def test_a_broken_upstream_answer_is_a_clear_error_and_stores_nothing(upstream, alice, answer):
    _, answers = upstream
    answers.append(answer)

    response = create(alice)

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"
    assert "sk_test_mock_key" not in response.content.decode()
    assert not CallSession.objects.exists()
