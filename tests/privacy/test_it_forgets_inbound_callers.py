"""An inbound call keeps its caller's number in four places: the call's customer number, its
metadata, its queue record, and Twilio's status callbacks (stored form-encoded: From, Caller).
An erasure by that number and the retention purge remove it from all four; the queue record's
facts (queue, wait, outcome) stay for reporting."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from sessions_app import privacy
from sessions_app.models import CallSession, QueuedCall, WebhookEvent
from tests.e2e.pages import poll
from tests.inbound.calls import inbound_call, missed_call
from tests.privacy.calls import rows_containing
from tests.telephony.inbound import NUMBER, make_queue, ring

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
CALLER = "+4930777001"
OTHER = "+4930777002"
STATUS_URL = "/telephony/twilio/status"


@pytest.fixture(autouse=True)
def twilio_token(settings):
    settings.TWILIO_AUTH_TOKEN = "twilio-test-token"


def status_callback(client, settings, call: CallSession, status: str, number: int) -> None:
    """Twilio's status callback for the call, signed, as Twilio posts it."""
    queued = QueuedCall.objects.get(session=call)
    form = {
        "CallSid": queued.call_sid,
        "CallStatus": status,
        "SequenceNumber": str(number),
        "From": queued.caller,
        "Caller": queued.caller,
        "To": NUMBER,
        "Called": NUMBER,
        "Direction": "inbound",
    }
    url = f"{settings.APP_BASE_URL}{STATUS_URL}"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(url, form)
    response = client.post(
        STATUS_URL,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 204


def callbacks(call: CallSession) -> list[str]:
    sid = QueuedCall.objects.get(session=call).call_sid
    return list(
        WebhookEvent.objects.filter(event_id__startswith=f"twilio:{sid}:").values_list(
            "body", flat=True
        )
    )


def leftovers(number: str) -> list[str]:
    """Every row holding the number, as stored or form-encoded."""
    return rows_containing(number) + rows_containing(quote(number))


def caller_of(call: CallSession, client, settings) -> CallSession:
    """The inbound call with Twilio's callbacks stored, as the app stores them."""
    for number, status in enumerate(("ringing", "in-progress", "completed")):
        status_callback(client, settings, call, status, number)
    return call


@pytest.fixture
def calls(alice, client, settings):
    """Two calls from the caller (one answered, one missed), one from someone else; all of
    yesterday."""
    yesterday = timezone.now() - DAY
    when = {"created_at": yesterday, "started_at": yesterday, "ended_at": yesterday}
    return [
        caller_of(inbound_call(alice, caller=CALLER, **when), client, settings),
        caller_of(missed_call(caller=CALLER, **when), client, settings),
        caller_of(inbound_call(alice, caller=OTHER, **when), client, settings),
    ]


def test_the_caller_is_in_every_place_before(calls):
    assert {row.split(":")[0] for row in leftovers(CALLER)} == {
        "sessions_app.CallSession",
        "sessions_app.QueuedCall",
        "sessions_app.WebhookEvent",
    }


def test_an_erasure_by_number_removes_the_caller_everywhere(calls, charlie):
    report = privacy.erase_customer(number="+49 30 777001", actor=charlie)

    assert report.record.calls == 2
    assert report.counts()["bodies"] == 6
    assert leftovers(CALLER) == []
    assert all(body == "" for call in calls[:2] for body in callbacks(call))
    assert all(callbacks(calls[2]))
    assert QueuedCall.objects.get(session=calls[2]).caller == OTHER


def test_an_erasure_keeps_the_queue_records_facts(calls, charlie):
    fields = ("queue", "outcome", "missed_reason", "wait_seconds", "arrived_at", "call_sid")
    before = list(QueuedCall.objects.order_by("pk").values_list(*fields))

    privacy.erase_customer(number=CALLER, actor=charlie)

    assert list(QueuedCall.objects.order_by("pk").values_list(*fields)) == before


def test_an_erasure_finds_a_call_by_its_queue_record_alone(calls, charlie):
    CallSession.objects.filter(pk=calls[1].pk).update(metadata={}, customer_number="")

    report = privacy.erase_customer(number=CALLER, actor=charlie)

    assert report.record.calls == 2
    assert leftovers(CALLER) == []


def test_the_purge_removes_callers_and_twilio_bodies_past_their_retention(calls, settings):
    settings.RETAIN_CUSTOMER_NUMBERS_DAYS = 90
    settings.RETAIN_WEBHOOK_BODIES_DAYS = 30
    old, missed, recent = calls
    long_ago = timezone.now() - 400 * DAY
    CallSession.objects.filter(pk__in=[old.pk, missed.pk]).update(
        created_at=long_ago, ended_at=long_ago
    )
    for call in (old, missed):
        sid = QueuedCall.objects.get(session=call).call_sid
        WebhookEvent.objects.filter(event_id__startswith=f"twilio:{sid}:").update(
            received_at=long_ago
        )

    report = privacy.purge()

    counts = report.counts()
    assert (counts["bodies"], counts["calls' numbers and CRM references"]) == (6, 2)
    assert leftovers(CALLER) == []
    assert QueuedCall.objects.get(session=recent).caller == OTHER
    assert all(callbacks(recent))


def test_a_purge_finds_a_caller_held_by_the_queue_record_alone(calls, settings):
    old = calls[0]
    long_ago = timezone.now() - 400 * DAY
    CallSession.objects.filter(pk=old.pk).update(
        created_at=long_ago, ended_at=long_ago, metadata={}, customer_number=""
    )

    assert privacy.purge(dry_run=True).counts()["calls' numbers and CRM references"] == 1
    privacy.purge()

    assert QueuedCall.objects.get(session=old).caller == ""


@pytest.mark.django_db(transaction=True)
def test_a_real_missed_call_leaves_nothing_of_its_caller_after_an_erasure(
    live_server_daphne, charlie
):
    """The caller dials through the sandbox's Twilio stand-in, nobody is at a desk, and they
    hang up: the app has stored their number as it stores it, and the erasure finds it all."""
    make_queue()
    placed = ring(live_server_daphne, **{"from": "+4930777003", "caller_hangup_after_s": 1})
    call = poll(lambda: missed_and_ended(placed["call_sid"]), "the call to be missed and end")
    assert {row.split(":")[0] for row in leftovers("+4930777003")} >= {
        "sessions_app.CallSession",
        "sessions_app.QueuedCall",
        "sessions_app.WebhookEvent",
    }

    report = privacy.erase_customer(number="+4930777003", actor=charlie)

    assert report.record.calls == 1
    assert leftovers("+4930777003") == []
    assert all(body == "" for body in callbacks(call.session))


def missed_and_ended(call_sid: str) -> QueuedCall | None:
    """The call once it is missed, its session ended and Twilio's last callback stored."""
    call = QueuedCall.objects.select_related("session").filter(call_sid=call_sid).first()
    done = call and call.outcome == QueuedCall.Outcome.MISSED and call.session.is_ended
    completed = WebhookEvent.objects.filter(event_id__startswith=f"twilio:{call_sid}:")
    return call if done and completed.filter(event_type="twilio.call.completed") else None
