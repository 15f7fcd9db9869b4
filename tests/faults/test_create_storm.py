"""A storm of clicks while a third of upstream answers fail: each click ends with exactly one
upstream session (the console retries a failed click with the same key) or a clear error."""

from __future__ import annotations

import json
import random
import uuid

import pytest

from sessions_app.kallglot import reset_clients
from sessions_app.models import CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CLICKS = 60
FAULTS = [
    {"status": 429, "code": "rate_limit_exceeded", "retry_after": 0},
    {"status": 500, "code": "server_error"},
    {"status": 502, "code": "bad_gateway"},
    {"status": 503, "code": "service_unavailable"},
    {"status": 502, "code": "bad_gateway", "body": "<html>502 Bad Gateway</html>"},
    {"status": 0, "latency_ms": 700},  # longer than the read timeout: the client times out
]


def click(client, key: str):
    body = json.dumps({"mode": "bidirectional_translation", "source_language": "en"})
    return client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_every_click_gets_exactly_one_upstream_session(sandbox, alice, settings):
    settings.SESSION_CREATE_PER_MINUTE = settings.MAX_LIVE_SESSIONS_PER_AGENT = 10_000
    settings.KALLGLOT_TIMEOUT_READ = 0.4
    reset_clients()
    rng = random.Random(7)
    client = client_for(alice)
    keys = [uuid.uuid4().hex for _ in range(CLICKS)]

    errors = injected = 0
    for key in keys:
        for _ in range(rng.choice([0, 0, 1, 2])):  # about 40% of first attempts fail
            sandbox.fault("sessions.create", **rng.choice(FAULTS))
            injected += 1
        for _attempt in range(6):  # the console retries a failed click with the same key
            response = click(client, key)
            if response.status_code == 201:
                break
            errors += 1
            assert response.status_code in (429, 502, 503)
            assert response.json()["error"]["message"]
        assert response.status_code == 201

    upstream = sandbox.sessions()
    upstream_keys = [s.get("idempotency_key") for s in upstream]
    assert errors > 0
    assert injected >= 0.3 * (CLICKS + injected)
    assert len(upstream) == CLICKS
    assert sorted(upstream_keys) == sorted(f"console:{alice.pk}:{key}" for key in keys)
    assert CallSession.objects.count() == CLICKS
    assert {s.kallglot_id for s in CallSession.objects.all()} == {s["id"] for s in upstream}
