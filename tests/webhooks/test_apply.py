"""Valid deliveries are stored, applied once, and numbered as session events."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.models import CallSession, SessionEvent, WebhookEvent
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(alice) -> CallSession:
    return CallSession.objects.create(kallglot_id="sess_A1", agent=alice, mode="ai_agent")


def started(event_id: str = "evt_start") -> dict:
    data = session_data("sess_A1", "active", started_at="2026-03-26T11:00:15Z")
    return envelope("session.started", data, event_id)


def test_it_applies_a_started_session(client, session):
    response = deliver(client, started())

    assert response.status_code == 200
    assert response.json() == {"received": "evt_start", "outcome": "applied"}
    session.refresh_from_db()
    assert session.status == "active"
    assert session.started_at.isoformat() == "2026-03-26T11:00:15+00:00"
    event = WebhookEvent.objects.get()
    assert (event.event_type, event.session, event.outcome) == (
        "session.started",
        session,
        "applied",
    )
    assert event.headers["Kallglot-Signature"].startswith("t=")
    assert event.processed_at is not None
    assert list(session.events.values_list("seq", "kind")) == [(1, "session.started")]


def test_a_duplicate_is_answered_200_and_not_applied_again(client, session):
    deliver(client, started())
    response = deliver(client, started())

    assert response.status_code == 200
    assert response.json()["outcome"] == "applied"
    assert SessionEvent.objects.count() == 1
    assert WebhookEvent.objects.get().deliveries == 2


def test_an_unknown_type_is_stored_and_acknowledged(client, session):
    response = deliver(client, envelope("session.teleported", {"id": "sess_A1"}))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == "ignored"
    assert not SessionEvent.objects.exists()


def test_an_unknown_session_is_stored_and_acknowledged(client, db):
    response = deliver(client, envelope("session.started", session_data("sess_NOPE", "active")))

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.outcome, event.kallglot_session_id, event.session) == (
        "ignored",
        "sess_NOPE",
        None,
    )


def test_an_event_that_overtakes_the_create_of_its_call_is_kept_as_ignored(client, alice):
    # Kallglot sends session.created as it answers the create that stores the call; the
    # create numbers that event itself, so the delivery that arrives first changes nothing.
    response = deliver(client, envelope("session.created", session_data("sess_B1", "created")))
    CallSession.objects.create(kallglot_id="sess_B1", agent=alice, mode="ai_agent")

    assert response.json()["outcome"] == "ignored"
    assert WebhookEvent.objects.get().error == ""


@pytest.mark.django_db(transaction=True)
def test_an_event_is_committed_before_it_is_claimed_and_applied(client, alice):
    session = CallSession.objects.create(kallglot_id="sess_A1", agent=alice, mode="ai_agent")
    with CaptureQueriesContext(connection) as queries:
        response = deliver(client, started())

    assert response.json() == {"received": "evt_start", "outcome": "applied"}
    assert WebhookEvent.objects.get().session == session
    sql = [query["sql"] for query in queries.captured_queries]
    stored = sql.index("COMMIT")
    assert any(s.startswith('INSERT INTO "sessions_app_webhookevent"') for s in sql[:stored])
    assert any(s.startswith('UPDATE "sessions_app_webhookevent"') for s in sql[stored:])
    assert sql.count("COMMIT") == 2


def test_an_event_whose_data_cannot_be_read_is_stored_before_it_fails(client, session):
    data = session_data("sess_A1", "active") | {"status": 5}
    response = deliver(client, envelope("session.started", data, "evt_unreadable"))

    assert response.status_code == 422  # it would fail the same way on every retry
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.outcome) == ("evt_unreadable", "failed")
    assert "KallglotError" in stored.error
    session.refresh_from_db()
    assert session.status == "created"


def test_a_transcript_segment_becomes_a_caption_event(client, session):
    data = {
        "session_id": "sess_A1",
        "sequence": 3,
        "speaker": "customer",
        "language": "es",
        "text": "Hola",
        "translation": {"language": "en", "text": "Hello"},
        "timestamp": "2026-03-26T11:00:20Z",
    }
    deliver(client, envelope("transcript.segment", data))

    event = session.events.get()
    assert event.kind == "transcript.segment"
    assert event.data == {k: data[k] for k in ("sequence", "speaker", "language", "text")} | {
        "translation": {"language": "en", "text": "Hello"}
    }


RECORDING = {
    "id": "rec_01HABC987654321",
    "object": "recording",
    "session_id": "sess_A1",
    "status": "ready",
    "channel": "mixed",
    "duration": 12.5,
    "format": "wav",
    "size": 200000,
    "sample_rate": 8000,
    "download_url": "/v1/recordings/rec_01HABC987654321/audio",
    "created_at": "2026-03-26T11:04:30Z",
}
ANALYSIS = {
    "id": "anl_01HDEF456789012",
    "object": "analysis",
    "session_id": "sess_A1",
    "status": "completed",
    "profile": "default",
    "summary": "The customer asked about an order.",
    "sentiment": {"customer": "positive", "agent": "neutral"},
    "compliance": {"status": "ok", "flags": []},
    "performance": {"score": 0.86},
    "created_at": "2026-03-26T11:05:00Z",
    "completed_at": "2026-03-26T11:05:02Z",
}


def test_a_ready_recording_is_kept_and_reaches_the_timeline(client, session):
    deliver(client, envelope("recording.ready", RECORDING))

    recording = session.recordings.get()
    assert (recording.kallglot_id, recording.status, recording.duration_seconds) == (
        "rec_01HABC987654321",
        "ready",
        12.5,
    )
    event = session.events.get()
    assert event.kind == "recording.ready"
    assert event.data["audio_url"] == f"/recordings/{recording.public_id}/audio"


def test_a_failed_recording_is_kept_as_failed(client, session):
    deliver(client, envelope("recording.failed", RECORDING | {"status": "failed"}))

    assert session.recordings.get().status == "failed"
    assert session.events.get().kind == "recording.failed"


def test_a_completed_analysis_is_kept_with_its_result(client, session):
    deliver(client, envelope("analysis.complete", ANALYSIS))

    analysis = session.analyses.get()
    assert analysis.summary == "The customer asked about an order."
    assert analysis.performance == {"score": 0.86}
    event = session.events.get()
    assert event.kind == "analysis.complete"
    assert event.data["summary"] == analysis.summary


def test_a_late_processing_analysis_does_not_undo_a_result(client, session):
    deliver(client, envelope("analysis.complete", ANALYSIS))
    deliver(client, envelope("analysis.failed", ANALYSIS | {"status": "processing"}))

    assert session.analyses.get().status == "completed"


def test_an_event_of_an_unknown_session_is_ignored_whatever_its_data(client, db):
    data = session_data("sess_NOBODY", "active") | {"status": 5}
    response = deliver(client, envelope("session.started", data, "evt_nobody"))

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert WebhookEvent.objects.get().outcome == "ignored"
