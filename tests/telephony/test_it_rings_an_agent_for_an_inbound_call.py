"""A customer dials the centre's Twilio number: the app answers with a session, the call
waits in its queue and rings for the agent available longest; they accept and are on it."""

from __future__ import annotations

import pytest

from sessions_app.models import AgentProfile, CallSession, QueuedCall
from tests.telephony.inbound import at_desk, make_queue, ring, twilio_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_longest_available_agent_takes_the_call(server, desk, alice, bob):
    make_queue()
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices = desk(alice)
    desk(bob)
    placed = ring(server)
    offer = alices.offer()
    assert offer["queue"] == "German line"

    accepted = alices.client.post(f"/api/offers/{offer['id']}/accept")

    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["stream"]["token"]
    assert body["agent"] == "alice"
    call = QueuedCall.objects.get(call_sid=placed["call_sid"])
    assert call.outcome == QueuedCall.Outcome.ANSWERED
    assert call.wait_seconds >= 0
    assert CallSession.objects.get(pk=call.session_id).agent == alice
    assert AgentProfile.objects.get(user=alice).state == AgentProfile.State.ON_CALL
    assert twilio_call(server, placed["call_sid"])["status"] == "in-progress"
