"""purge(): each kind of personal data goes once past its retention period, in batches, once;
the calls' non-personal facts stay for reporting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import privacy
from sessions_app.board import recent_captions
from sessions_app.models import Analysis, CallSession, Recording, SessionEvent, WebhookEvent
from tests.conftest import client_for
from tests.privacy.calls import Customer, personal_call, rows_containing
from tests.webhooks.helpers import deliver, envelope

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def customer():
    return Customer.new()


@pytest.fixture
def old(alice, client, now, customer):
    """A call that ended 400 days ago: past every default retention period."""
    return personal_call(alice, client, customer, ended=now - 400 * DAY)


@pytest.fixture
def recent(alice, client, now):
    """A call that ended 10 days ago: within every default retention period."""
    return personal_call(alice, client, Customer.new(), ended=now - 10 * DAY)


def facts(call: CallSession) -> tuple:
    call.refresh_from_db()
    return (
        call.agent_id,
        call.mode,
        call.source_language,
        call.target_language,
        call.status,
        call.created_at,
        call.started_at,
        call.ended_at,
        call.duration_seconds,
        call.last_event_seq,
        call.events.count(),
    )


def test_it_removes_every_kind_from_an_old_call_and_keeps_its_facts(old, now):
    before = facts(old)

    report = privacy.purge(now=now)

    assert report.counts() == {
        "bodies": 4,
        "turns": 1,
        "captions": 1,
        "analyses": 1,
        "recordings": 1,
        "calls' numbers and CRM references": 1,
    }
    assert not old.turns.exists()
    assert not Recording.objects.filter(session=old).exists()
    deliveries = WebhookEvent.objects.filter(session=old)
    assert [(d.body, d.headers) for d in deliveries] == [("", {})] * 4
    old.refresh_from_db()
    assert (old.metadata, old.customer_number) == ({}, "")
    assert old.transcript_status == "purged"
    assert facts(old) == before


def test_it_keeps_a_captions_place_and_an_analysis_of_the_agents_work(old, now):
    privacy.purge(now=now)

    caption = old.events.get(kind="transcript.segment")
    assert caption.data == {"sequence": 1, "speaker": "customer", "language": "es"}
    analysis = Analysis.objects.get(session=old)
    assert (analysis.summary, analysis.sentiment) == ("", None)
    assert analysis.compliance == {"status": "ok", "flags": []}
    assert analysis.performance == {"score": 0.86}
    event = old.events.get(kind="analysis.complete")
    assert (event.data["summary"], event.data["sentiment"]) == (None, None)
    assert event.data["performance"] == {"score": 0.86}


def test_it_leaves_no_copy_in_the_database_nor_in_what_pages_and_sockets_get(
    alice, old, now, customer
):
    assert all(rows_containing(secret) for secret in customer.secrets)

    privacy.purge(now=now)

    assert [row for secret in customer.secrets for row in rows_containing(secret)] == []
    events = client_for(alice).get(f"/api/sessions/{old.public_id}/events?after=0").json()
    assert [event["kind"] for event in events["events"]][-1] == "analysis.complete"
    assert not any(secret in str(events) for secret in customer.secrets)
    assert [event["data"] for event in recent_captions(old)] == [
        {"sequence": 1, "speaker": "customer", "language": "es"}
    ]


def test_it_keeps_what_is_within_its_retention(old, recent, now):
    privacy.purge(now=now)

    recent.refresh_from_db()
    assert recent.metadata["customer_id"].startswith("cust-")
    assert recent.customer_number
    assert recent.turns.count() == 1
    assert recent.recordings.count() == 1
    assert "text" in recent.events.get(kind="transcript.segment").data
    assert Analysis.objects.get(session=recent).summary
    assert not WebhookEvent.objects.filter(session=recent, body="").exists()


def test_each_kind_has_its_own_retention_period(alice, client, now, settings):
    call = personal_call(alice, client, Customer.new(), ended=now - 60 * DAY)
    settings.RETAIN_WEBHOOK_BODIES_DAYS = 90
    settings.RETAIN_RECORDINGS_DAYS = 30
    settings.RETAIN_TRANSCRIPTS_DAYS = 90
    settings.RETAIN_CUSTOMER_NUMBERS_DAYS = 30

    report = privacy.purge(now=now)

    assert report.counts() == {"recordings": 1, "calls' numbers and CRM references": 1}
    assert call.turns.count() == 1
    assert not WebhookEvent.objects.filter(session=call, body="").exists()


def test_zero_keeps_a_kind_for_ever(old, now, settings):
    settings.RETAIN_WEBHOOK_BODIES_DAYS = 0
    settings.RETAIN_TRANSCRIPTS_DAYS = 0
    settings.RETAIN_RECORDINGS_DAYS = 0
    settings.RETAIN_CUSTOMER_NUMBERS_DAYS = 0

    report = privacy.purge(now=now)

    assert report.counts() == {}
    assert report.lines()[0] == ("webhook bodies are kept for ever (RETAIN_WEBHOOK_BODIES_DAYS=0)")
    assert old.turns.count() == 1


def test_a_call_that_never_recorded_its_end_counts_from_its_creation(alice, now):
    call = CallSession.objects.create(
        kallglot_id="sess_NOEND",
        agent=alice,
        mode="ai_agent",
        created_at=now - 400 * DAY,
        metadata={"customer_id": "cust-noend"},
    )

    privacy.purge(now=now)

    call.refresh_from_db()
    assert (call.metadata, call.transcript_status) == ({}, "purged")


def test_a_delivery_not_applied_yet_keeps_its_body(old, now):
    WebhookEvent.objects.filter(session=old, event_type="session.ended").update(outcome="failed")

    report = privacy.purge(now=now)

    assert WebhookEvent.objects.get(session=old, event_type="session.ended").body
    assert report.lines()[0] == (
        "webhook bodies received over 30 days ago: removed 3 bodies;"
        " kept 1 of deliveries not applied yet"
    )


def test_a_repeat_of_a_purged_delivery_is_still_known_by_its_id(client, old, now):
    privacy.purge(now=now)
    caption = WebhookEvent.objects.get(session=old, event_type="transcript.segment")
    repeat = envelope("transcript.segment", {"session_id": old.kallglot_id}, caption.event_id)

    response = deliver(client, repeat)

    assert response.status_code == 200
    caption.refresh_from_db()
    assert (caption.deliveries, caption.body) == (2, "")
    assert old.events.filter(kind="transcript.segment").count() == 1


def test_it_works_in_batches_and_a_second_run_removes_nothing(alice, client, now, monkeypatch):
    monkeypatch.setattr(privacy, "BATCH", 2)
    calls = [personal_call(alice, client, Customer.new(), ended=now - 400 * DAY) for _ in range(5)]

    first = privacy.purge(now=now)
    second = privacy.purge(now=now)

    assert first.counts()["turns"] == 5
    assert first.counts()["bodies"] == 20
    assert all(not call.turns.exists() for call in calls)
    assert second.counts() == {}
    assert set(second.lines()) == {
        "webhook bodies received over 30 days ago: removed nothing",
        "transcripts of calls ended over 365 days ago: removed nothing",
        "recordings of calls ended over 90 days ago: removed nothing",
        "customer numbers of calls ended over 90 days ago: removed nothing",
    }


def test_a_purged_transcript_is_not_fetched_again_nor_analysed(alice, old, now, upstream):
    privacy.purge(now=now)

    page = client_for(alice).get(f"/sessions/{old.public_id}/").content.decode()
    response = client_for(alice).post(
        f"/api/sessions/{old.public_id}/analysis", "{}", content_type="application/json"
    )

    assert "The transcript was removed after its retention period." in page
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transcript_removed"
    assert upstream == []
    assert SessionEvent.objects.filter(session=old, kind="analysis.requested").count() == 0
