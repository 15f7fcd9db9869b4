"""A call nobody takes within its queue's timeout, or whose caller hangs up while it waits, is
missed, with how long the caller waited; its session ends upstream and Twilio's call completes.
What a lost timer left undone, the heartbeat's sweep does."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import AgentProfile, CallSession, QueuedCall
from tests.conftest import SandboxControl
from tests.telephony.inbound import (
    Desk,
    at_desk,
    eventually,
    make_queue,
    queued,
    ring,
    twilio_call,
)

pytestmark = pytest.mark.django_db(transaction=True)

Outcome = QueuedCall.Outcome


def resolved(call: QueuedCall) -> QueuedCall:
    return eventually(lambda: QueuedCall.objects.filter(pk=call.pk).exclude(outcome="waiting"))[0]


def assert_ended_everywhere(server, upstream: SandboxControl, call: QueuedCall) -> None:
    session = call.session
    assert eventually(lambda: upstream.session(session.kallglot_id)["status"] == "ended")
    assert eventually(lambda: CallSession.objects.get(pk=session.pk).is_ended)
    assert eventually(lambda: twilio_call(server, call.call_sid)["status"] == "completed")


def test_a_call_nobody_takes_is_missed_after_the_queue_timeout(server, upstream):
    make_queue(timeout_seconds=3)  # made directly: below the admin's minimum
    call = queued(server, ring(server)["call_sid"])

    missed = resolved(call)

    assert missed.outcome == Outcome.MISSED
    assert missed.missed_reason == "queue_timeout"
    assert missed.wait_seconds >= 3
    assert missed.wait_seconds < 3 + 10  # given up at its timeout, not at some later sweep
    assert_ended_everywhere(server, upstream, call)


def test_a_caller_who_hangs_up_while_waiting_is_a_missed_call(server, upstream):
    make_queue(timeout_seconds=600)
    call = queued(server, ring(server)["call_sid"])

    upstream.call("POST", f"_control/twilio/calls/{call.call_sid}/hangup")

    missed = resolved(call)
    assert missed.outcome == Outcome.MISSED
    assert missed.missed_reason == "caller_hung_up"
    assert missed.wait_seconds >= 0
    assert_ended_everywhere(server, upstream, call)


def test_the_agent_being_rung_is_told_the_caller_hung_up(server, upstream, desk, alice):
    make_queue(timeout_seconds=600)
    at_desk(alice)
    alices = desk(alice)
    call = queued(server, ring(server)["call_sid"])
    alices.offered(call)

    upstream.call("POST", f"_control/twilio/calls/{call.call_sid}/hangup")

    told = alices.told(lambda m: m["offer"] is None)
    assert "hung up" in told["notice"]
    assert AgentProfile.objects.get(user=alice).state == AgentProfile.State.AVAILABLE


def test_the_agent_being_rung_when_the_queue_gives_up_is_told_so(server, upstream, desk, alice):
    make_queue(timeout_seconds=3, ring_seconds=600)
    at_desk(alice)
    alices = desk(alice)
    call = queued(server, ring(server)["call_sid"])
    alices.offered(call)

    told = alices.told(lambda m: m["notice"])

    assert told["offer"] is None
    assert "hung up" not in told["notice"]
    assert "waited too long" in told["notice"]
    assert resolved(call).missed_reason == "queue_timeout"


def heartbeat_until(desk: Desk, check) -> object:
    """The page's heartbeat, every half second, until `check()` holds (a sweep runs at most
    every few seconds per process)."""

    def beat() -> object:
        desk.send({"type": "here"})
        time.sleep(0.5)
        return check()

    return eventually(beat, timeout=30)


def test_the_sweep_moves_on_a_ring_whose_timer_was_lost(server, upstream, desk, alice, bob):
    make_queue(ring_seconds=600)  # its timer will not fire during the test
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = queued(server, ring(server)["call_sid"])
    alices.offered(call)
    past = timezone.now() - timedelta(seconds=1)
    QueuedCall.objects.filter(pk=call.pk).update(offer_expires_at=past)

    heartbeat_until(bobs, lambda: QueuedCall.objects.get(pk=call.pk).offered_to_id == bob.pk)

    assert bobs.offered(call)
    assert alices.told(lambda m: m["state"] == AgentProfile.State.AWAY)["offer"] is None


def test_the_sweep_gives_up_a_call_past_its_timeout(server, upstream, desk, alice):
    make_queue(timeout_seconds=600)
    alices = desk(alice)  # Away: the call rings for nobody
    call = queued(server, ring(server)["call_sid"])
    QueuedCall.objects.filter(pk=call.pk).update(arrived_at=timezone.now() - timedelta(seconds=601))

    heartbeat_until(alices, lambda: QueuedCall.objects.get(pk=call.pk).outcome != "waiting")

    missed = QueuedCall.objects.get(pk=call.pk)
    assert missed.missed_reason == "queue_timeout"
    assert missed.wait_seconds >= 600
    assert_ended_everywhere(server, upstream, call)
