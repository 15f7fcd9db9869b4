"""A PBX's call rings as an inbound call does: through a queue for the agent available longest,
or, naming an agent, for that agent only. Accepted, the agent is on it; the PBX ends it when its
leg ends (a call still waiting is missed, its ring withdrawn)."""

from __future__ import annotations

import time

import httpx
import pytest

from sessions_app.models import AgentProfile, CallSession, QueuedCall
from tests.conftest import SandboxControl
from tests.integrations.pbx import CALLS, auth, end, make_token, place, sip_route
from tests.live_agents import signed_in
from tests.telephony.inbound import Desk, at_desk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def key(live_server_daphne):
    SandboxControl(live_server_daphne.sandbox_base).reset()
    return make_token(sip_route())[1]


@pytest.fixture
def desks(live_server_daphne, alice, bob):
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    opened = [
        Desk(live_server_daphne, signed_in(live_server_daphne, user)).open()
        for user in (alice, bob)
    ]
    yield opened
    for desk in opened:
        desk.close()
    # Quieten the server before the tables are emptied (on PostgreSQL its late writes, a page
    # closing, would deadlock with the flush): no more sandbox calls, a moment for work in flight.
    SandboxControl(live_server_daphne.sandbox_base).reset()
    time.sleep(0.5)


def test_through_a_queue_it_rings_for_the_agent_available_longest(live_server_daphne, key, desks):
    alices, _ = desks

    placed = place(live_server_daphne.url, key, queue="PBX line")

    assert placed.status_code == 201, placed.text
    offer = alices.offer()
    assert (offer["queue"], offer["caller"]) == ("PBX line", "+49 30 123456")


def test_naming_an_agent_rings_for_that_agent_only(live_server_daphne, key, desks, alice, bob):
    alices, bobs = desks

    placed = place(live_server_daphne.url, key, agent="bob")

    assert placed.status_code == 201, placed.text
    offer = bobs.offer()
    accepted = bobs.client.post(f"/api/offers/{offer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["bridge_uri"] == placed.json()["bridge_uri"]
    assert not [m for m in alices.messages if m.get("offer")]
    assert AgentProfile.objects.get(user=bob).state == AgentProfile.State.ON_CALL
    status = httpx.get(
        f"{live_server_daphne.url}{CALLS}/{placed.json()['id']}", headers=auth(key), timeout=10
    ).json()
    assert (status["outcome"], status["agent"]) == ("answered", "bob")

    ended = end(live_server_daphne.url, key, placed.json()["id"])

    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended"
    session = CallSession.objects.get()
    assert (session.end_reason, session.agent) == ("pbx_hung_up", bob)
    bobs.read(lambda m: m["type"] == "agent" and m["state"] == "wrap_up")
    assert end(live_server_daphne.url, key, placed.json()["id"]).status_code == 200  # again


def test_a_call_ended_while_it_rings_is_missed(live_server_daphne, key, desks):
    alices, _ = desks
    placed = place(live_server_daphne.url, key, agent="alice")
    alices.offer()

    end(live_server_daphne.url, key, placed.json()["id"])

    alices.read(lambda m: m["type"] == "agent" and m["notice"] == "The caller hung up.")
    call = QueuedCall.objects.get()
    assert (call.outcome, call.missed_reason) == ("missed", "caller_hung_up")


def test_another_tokens_call_is_not_found(live_server_daphne, key, desks):
    placed = place(live_server_daphne.url, key, queue="PBX line")
    _, other = make_token(sip_route("Other line"), name="Other PBX")

    response = end(live_server_daphne.url, other, placed.json()["id"])

    assert response.status_code == 404
    assert CallSession.objects.get().status != "ended"
