"""Upstream failures become messages an agent can act on, and never leak the key."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import CallSession
from tests.conftest import SANDBOX_KEY, client_for

pytestmark = pytest.mark.django_db


def create(client):
    body = json.dumps({"mode": "bidirectional_translation"})
    return client.post("/api/sessions", body, content_type="application/json")


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        ({"status": 402, "code": "insufficient_api_credits"}, 402, "no_credits"),
        ({"status": 403, "code": "organization_inactive"}, 403, "organization_inactive"),
        ({"status": 401, "code": "invalid_api_key"}, 503, "upstream_auth"),
        ({"status": 400, "code": "invalid_language_code"}, 400, "upstream_rejected"),
        ({"status": 502, "code": "bad_gateway", "count": 2}, 502, "upstream_error"),
        ({"status": 500, "code": "server_error", "count": 2}, 502, "upstream_error"),
        ({"status": 503, "code": "unavailable", "count": 2}, 503, "upstream_unavailable"),
    ],
)
def test_it_maps_each_upstream_failure(sandbox, alice, fault, status, code):
    sandbox.fault("sessions.create", **fault)

    response = create(client_for(alice))

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert SANDBOX_KEY not in response.content.decode()
    assert not CallSession.objects.exists()


def test_it_asks_the_agent_to_wait_when_kallglot_is_busy(sandbox, alice):
    sandbox.fault("sessions.create", 429, "rate_limit_exceeded", retry_after=40)

    response = create(client_for(alice))

    assert response.status_code == 429
    assert response["Retry-After"] == "40"
    assert response.json()["error"]["code"] == "upstream_busy"
    assert "40 s" in response.json()["error"]["message"]


def test_it_succeeds_after_a_transient_failure(sandbox, alice):
    sandbox.fault("sessions.create", 502, "bad_gateway")

    response = create(client_for(alice))

    assert response.status_code == 201
    assert len(sandbox.sessions()) == 1


def test_it_reports_a_timeout_as_unavailable(sandbox, alice, settings):
    from sessions_app.kallglot import reset_clients

    settings.KALLGLOT_TIMEOUT_READ = 0.3
    settings.KALLGLOT_MAX_ATTEMPTS = 1
    reset_clients()
    sandbox.fault("sessions.create", 0, latency_ms=1500)

    response = create(client_for(alice))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
