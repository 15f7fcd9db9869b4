"""A create reserves its call's row within the agent's limits before Kallglot is asked; the
reservation becomes the call, or is given back when Kallglot refuses."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import RESERVATION_WINDOW, CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create(client, key: str):
    body = json.dumps({"mode": "bidirectional_translation"})
    return client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_a_refused_create_gives_its_place_back(sandbox, alice, settings):
    settings.MAX_LIVE_SESSIONS_PER_AGENT = 1
    sandbox.fault("sessions.create", 402, "insufficient_credits")
    client = client_for(alice)

    assert create(client, "a").status_code == 402
    assert not CallSession.objects.exists()
    assert create(client, "b").status_code == 201


def test_a_reservation_whose_create_died_is_taken_over_by_its_retry(sandbox, alice):
    CallSession.objects.create(
        agent=alice,
        mode="bidirectional_translation",
        idempotency_key="a",
        created_at=timezone.now() - RESERVATION_WINDOW - timedelta(seconds=1),
    )

    response = create(client_for(alice), "a")

    assert response.status_code == 201
    (call,) = CallSession.objects.all()
    assert call.kallglot_id == response.json()["kallglot_id"]


def test_a_reservation_in_flight_counts_against_the_open_calls(sandbox, alice, settings):
    settings.MAX_LIVE_SESSIONS_PER_AGENT = 1
    CallSession.objects.create(agent=alice, mode="bidirectional_translation", idempotency_key="a")

    refused = create(client_for(alice), "b")

    assert refused.json()["error"]["code"] == "too_many_live_sessions"
    assert len(sandbox.sessions()) == 0


def test_reservations_are_not_listed_as_calls(alice):
    CallSession.objects.create(agent=alice, mode="bidirectional_translation", idempotency_key="a")
    client = client_for(alice)

    assert 'data-session-id="' not in client.get("/").content.decode()
    assert "being created" not in client.get("/sessions/").content.decode()
