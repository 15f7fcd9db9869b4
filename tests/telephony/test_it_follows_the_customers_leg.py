"""Kallglot's provider events follow the customer's phone leg: stored, applied (the newest
wins, in whatever order they come), numbered and relayed with their words; a customer who
hangs up ends the call after the grace, once, whether or not a page is open."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from sessions_app.models import CallSession, SessionEvent
from tests.conftest import client_for
from tests.webhooks.helpers import deliver, envelope

pytestmark = pytest.mark.django_db(transaction=True)

CONNECTED, DISCONNECTED = "session.provider.connected", "session.provider.disconnected"


@pytest.fixture
def call(sandbox, alice) -> CallSession:
    upstream = sandbox.call("POST", "sessions", json={"mode": "bidirectional_translation"}).json()
    return CallSession.objects.create(
        kallglot_id=upstream["id"], agent=alice, mode="bidirectional_translation"
    )


def leg(call: CallSession, kind: str, at: datetime, event_id: str | None = None) -> dict:
    data = {
        "id": call.kallglot_id,
        "object": "session",
        "provider": "twilio",
        "phone_number": "+4930901820",
        "direction": "inbound",
    }
    if kind == DISCONNECTED:
        data["reason"] = "caller_hangup"
    payload = envelope(kind, data, event_id)
    payload["created_at"] = at.isoformat().replace("+00:00", "Z")
    return payload


def now() -> datetime:
    return datetime.now(UTC)


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_connected_customer_is_applied_and_told_in_words(client, call, alice):
    response = deliver(client, leg(call, CONNECTED, now()))

    assert response.json()["outcome"] == "applied"
    call.refresh_from_db()
    assert (call.customer_status, call.provider, call.phone_number) == (
        "connected",
        "twilio",
        "+4930901820",
    )
    events = client_for(alice).get(f"/api/sessions/{call.public_id}/events").json()["events"]
    assert [event["kind"] for event in events] == [CONNECTED]
    assert events[0]["data"]["label"] == "Customer connected (+49 30 901820, Twilio)"


def test_the_newest_event_wins_in_any_order_and_a_repeat_changes_nothing(client, call, settings):
    settings.CUSTOMER_HANGUP_GRACE = 3600
    first, later = now(), now() + timedelta(seconds=2)
    hung_up = leg(call, DISCONNECTED, later, "evt_left")

    deliver(client, hung_up)
    deliver(client, leg(call, CONNECTED, first))
    deliver(client, hung_up)

    call.refresh_from_db()
    assert call.customer_status == "hung_up"
    kinds = list(SessionEvent.objects.filter(session=call).values_list("kind", flat=True))
    assert sorted(kinds) == [CONNECTED, DISCONNECTED]


def test_a_customer_who_calls_back_within_the_grace_keeps_the_call(client, call, sandbox, settings):
    settings.CUSTOMER_HANGUP_GRACE = 1.0
    left = now()

    deliver(client, leg(call, DISCONNECTED, left))
    deliver(client, leg(call, CONNECTED, left + timedelta(milliseconds=300)))
    time.sleep(1.5)

    call.refresh_from_db()
    assert (call.status, call.customer_status) == ("created", "connected")
    assert sandbox.session(call.kallglot_id)["status"] != "ended"


def test_past_the_grace_the_call_is_ended_upstream_once_with_no_page_open(
    client, call, sandbox, settings
):
    settings.CUSTOMER_HANGUP_GRACE = 0.5

    deliver(client, leg(call, DISCONNECTED, now(), "evt_gone"))
    deliver(client, leg(call, DISCONNECTED, now(), "evt_gone"))  # Kallglot's retry

    assert wait_for(lambda: CallSession.objects.get(pk=call.pk).status == "ended")
    call.refresh_from_db()
    assert call.end_reason == "customer_hung_up"
    assert sandbox.session(call.kallglot_id)["status"] == "ended"
    time.sleep(0.5)
    assert SessionEvent.objects.filter(session=call, kind="session.ended").count() == 1


def test_the_sweep_ends_a_call_whose_timer_went_away_with_its_worker(call, sandbox, settings):
    settings.CUSTOMER_HANGUP_GRACE = 15
    CallSession.objects.filter(pk=call.pk).update(
        customer_status="hung_up", customer_changed_at=now() - timedelta(seconds=16)
    )

    call_command("end_stale_sessions", stdout=None)

    call.refresh_from_db()
    assert (call.status, call.end_reason) == ("ended", "customer_hung_up")
    assert sandbox.session(call.kallglot_id)["status"] == "ended"


def test_a_leg_event_after_the_end_is_kept_but_changes_nothing(client, call, settings):
    settings.CUSTOMER_HANGUP_GRACE = 0.2
    CallSession.objects.filter(pk=call.pk).update(status="ended", customer_status="connected")

    deliver(client, leg(call, DISCONNECTED, now()))
    time.sleep(0.5)

    call.refresh_from_db()
    assert (call.status, call.customer_status) == ("ended", "connected")
    assert SessionEvent.objects.filter(session=call, kind=DISCONNECTED).exists()
