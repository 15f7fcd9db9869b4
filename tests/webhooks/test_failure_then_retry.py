"""A delivery that fails while being applied is kept, answered 5xx, and applied on retry."""

from __future__ import annotations

import pytest

from sessions_app import services
from sessions_app.models import CallSession, WebhookEvent
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db


def test_a_failed_apply_is_stored_and_the_retry_applies_it_once(client, alice, sandbox, settings):
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    sandbox.call("POST", f"sessions/{upstream['id']}/end")
    session = CallSession.objects.create(kallglot_id=upstream["id"], agent=alice, mode="ai_agent")
    # The event carries no end time, so the app re-reads the session upstream: make that fail.
    event = envelope("session.ended", session_data(upstream["id"], "ended"), "evt_retry")
    sandbox.fault("sessions.retrieve", 503, "service_unavailable", count=2)

    first = deliver(client, event)

    assert first.status_code == 503
    stored = WebhookEvent.objects.get()
    assert stored.outcome == "failed"
    assert "KallglotError" in stored.error
    session.refresh_from_db()
    assert session.status == "created"

    second = deliver(client, event)
    third = deliver(client, event)

    assert (second.status_code, third.status_code) == (200, 200)
    session.refresh_from_db()
    assert session.status == "ended"
    assert session.ended_at is not None
    assert list(session.events.values_list("kind", flat=True)) == ["session.ended"]
    stored.refresh_from_db()
    assert (stored.outcome, stored.deliveries, stored.error) == ("applied", 3, "")


def test_a_caption_that_fails_to_apply_is_kept_and_the_retry_applies_it_once(
    client, alice, monkeypatch
):
    # Captions are stored and applied in one transaction: a failure must still keep the
    # delivery (marked failed) while undoing everything applying it had written.
    session = CallSession.objects.create(kallglot_id="sess_C1", agent=alice, mode="ai_agent")
    data = {"session_id": "sess_C1", "sequence": 1, "speaker": "agent", "text": "Hello"}
    event = envelope("transcript.segment", data, "evt_caption")
    real_record_event = services.record_event

    def record_then_break(*args: object, **kwargs: object) -> None:
        real_record_event(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "record_event", record_then_break)
    first = deliver(client, event)

    assert first.status_code == 422
    stored = WebhookEvent.objects.get()
    assert (stored.outcome, stored.deliveries) == ("failed", 1)
    assert "the disk is full" in stored.error
    assert not session.events.exists()
    session.refresh_from_db()
    assert session.last_event_seq == 0

    monkeypatch.setattr(services, "record_event", real_record_event)
    second = deliver(client, event)
    third = deliver(client, event)

    assert (second.status_code, third.status_code) == (200, 200)
    assert second.json()["outcome"] == "applied"
    assert list(session.events.values_list("seq", "kind")) == [(1, "transcript.segment")]
    stored.refresh_from_db()
    assert (stored.outcome, stored.deliveries, stored.error) == ("applied", 3, "")
