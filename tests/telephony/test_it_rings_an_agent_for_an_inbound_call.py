"""A customer dials the centre's Twilio number: the app answers with a session, the call
waits in its queue and rings for the agent available longest; they accept and are on it."""

from __future__ import annotations

import pytest

from sessions_app.models import AgentProfile, CallSession, QueuedCall
from tests.live_agents import signed_in
from tests.telephony.inbound import Desk, at_desk, make_queue, ring, twilio_call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desks(live_server_daphne, alice, bob):
    make_queue()
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    opened = [
        Desk(live_server_daphne, signed_in(live_server_daphne, user)).open()
        for user in (alice, bob)
    ]
    yield opened
    for desk in opened:
        desk.close()


def test_the_longest_available_agent_takes_the_call(live_server_daphne, desks, alice):
    alices, _ = desks
    placed = ring(live_server_daphne)
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
    assert twilio_call(live_server_daphne, placed["call_sid"])["status"] == "in-progress"
