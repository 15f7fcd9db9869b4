"""The caller hangs up at the very moment an agent accepts: either the agent has the call (which
then ends, and they wrap it up) or they are told the caller is gone and the call is missed;
nothing fails on the way, whatever the database."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.models import AgentProfile, QueuedCall
from tests.telephony.inbound import at_desk, eventually, make_queue, queued, ring

pytestmark = pytest.mark.django_db(transaction=True)

State = AgentProfile.State
SETTLED = {
    200: (QueuedCall.Outcome.ANSWERED, State.WRAP_UP),
    409: (QueuedCall.Outcome.MISSED, State.AVAILABLE),
}


def failed(server) -> int:
    """How many requests the server failed, or deadlocks it ran into, so far."""
    log = server.log()
    return log.count("Internal Server Error") + log.count("deadlock detected")


def at_once(*actions):
    barrier = threading.Barrier(len(actions))

    def run(action):
        barrier.wait()
        return action()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


@pytest.mark.parametrize("round_", range(16))
def test_an_accept_racing_the_hang_up_settles_one_way(server, upstream, desk, alice, round_):
    make_queue(timeout_seconds=600)
    at_desk(alice)
    alices = desk(alice)
    failures = failed(server)

    call = queued(server, ring(server)["call_sid"])
    offer = alices.offered(call)
    hang_up = f"_control/twilio/calls/{call.call_sid}/hangup"
    accept = f"/api/offers/{offer['id']}/accept"
    later = 0.02 + round_ * 0.005  # a little later each round, over the hang-up's way in

    accepted, _ = at_once(
        lambda: time.sleep(later) or alices.client.post(accept),
        lambda: upstream.call("POST", hang_up),
    )

    assert accepted.status_code in SETTLED, accepted.text
    outcome, state = SETTLED[accepted.status_code]
    assert eventually(lambda: QueuedCall.objects.get(pk=call.pk).outcome == outcome)
    if accepted.status_code == 200:  # the agent ends it at once rather than after the grace
        alices.client.post(f"/api/sessions/{accepted.json()['id']}/end").raise_for_status()
    assert eventually(lambda: AgentProfile.objects.get(user=alice).state == state)
    assert eventually(lambda: QueuedCall.objects.get(pk=call.pk).session.is_ended)
    assert failed(server) == failures
