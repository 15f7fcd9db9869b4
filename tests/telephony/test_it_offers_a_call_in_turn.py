"""A waiting call rings for one agent at a time, over real agent sockets against the live server:
the one available longest first, only agents who speak the route's agent language and are
Available, never twice for the same agent; declined or not answered, it rings for the next (who
did not answer is set Away); of two accepts at the same moment exactly one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.models import AgentProfile, QueuedCall
from tests.conftest import make_user
from tests.live_agents import start_call
from tests.telephony.inbound import Desk, at_desk, eventually, make_queue, queued, ring

pytestmark = pytest.mark.django_db(transaction=True)

State = AgentProfile.State


def call_in(server) -> QueuedCall:
    return queued(server, ring(server)["call_sid"])


def rung(call: QueuedCall) -> list[int]:
    return QueuedCall.objects.get(pk=call.pk).rung


def offered_to(call: QueuedCall) -> int | None:
    return QueuedCall.objects.get(pk=call.pk).offered_to_id


def test_it_rings_the_agent_available_longest_first(server, desk, alice, bob):
    make_queue()
    at_desk(bob, since=10)
    at_desk(alice, since=60)
    alices, _ = desk(alice), desk(bob)

    call = call_in(server)

    assert alices.offered(call)["caller"]
    assert rung(call) == [alice.pk]


def test_a_declined_call_rings_for_the_next_agent_who_takes_it(server, desk, alice, bob):
    make_queue()
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = call_in(server)
    offer = alices.offered(call)

    declined = alices.client.post(f"/api/offers/{offer['id']}/decline")

    assert declined.status_code == 200
    assert bobs.offered(call)["id"] == offer["id"]
    assert alices.told(lambda m: m["offer"] is None)["state"] == State.AVAILABLE
    accepted = bobs.client.post(f"/api/offers/{offer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["agent"] == "bob"
    assert QueuedCall.objects.get(pk=call.pk).outcome == QueuedCall.Outcome.ANSWERED


def test_it_never_rings_an_agent_who_does_not_speak_the_language_or_is_away(server, desk, alice):
    make_queue()  # its agents speak English
    carol, dave = make_user("carol"), make_user("dave")
    at_desk(carol, languages="de,fr", since=300)
    AgentProfile.objects.update_or_create(user=dave, defaults={"languages": "en"})  # Away
    at_desk(alice, since=10)
    alices, carols, daves = desk(alice), desk(carol), desk(dave)
    call = call_in(server)
    offer = alices.offered(call)

    alices.client.post(f"/api/offers/{offer['id']}/decline").raise_for_status()

    assert offered_to(call) is None
    assert rung(call) == [alice.pk]
    assert not [m for m in carols.messages + daves.messages if m.get("offer")]
    assert QueuedCall.objects.get(pk=call.pk).outcome == QueuedCall.Outcome.WAITING


def test_a_ring_nobody_answers_passes_on_and_sets_the_agent_away(server, desk, alice, bob):
    make_queue(ring_seconds=2)  # made directly: below the admin's minimum
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = call_in(server)
    alices.offered(call)

    told = alices.told(lambda m: m["state"] == State.AWAY)

    assert told["offer"] is None
    assert "Away" in told["notice"]
    assert bobs.offered(call)
    assert AgentProfile.objects.get(user=alice).state == State.AWAY
    assert rung(call) == [alice.pk, bob.pk]


def test_a_call_never_rings_twice_for_the_same_agent(server, desk, alice, bob):
    make_queue(ring_seconds=2)
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = call_in(server)
    alices.told(lambda m: m["state"] == State.AWAY)  # alice let it ring out
    offer = bobs.offered(call)

    alices.client.post("/api/agent/state", json={"state": "available"}).raise_for_status()
    bobs.client.post(f"/api/offers/{offer['id']}/decline").raise_for_status()

    assert offered_to(call) is None
    assert rung(call) == [alice.pk, bob.pk]
    assert AgentProfile.objects.get(user=alice).state == State.AVAILABLE


def accept_together(desks: list[Desk], offer_id: str) -> list:
    """Every desk accepts the call at the same moment."""
    barrier = threading.Barrier(len(desks))

    def accept(each: Desk):
        barrier.wait()
        return each.client.post(f"/api/offers/{offer_id}/accept")

    with ThreadPoolExecutor(len(desks)) as pool:
        return list(pool.map(accept, desks))


@pytest.mark.parametrize("round_", range(3))
def test_of_two_accepts_at_the_same_moment_exactly_one_wins(server, desk, alice, bob, round_):
    make_queue(ring_seconds=2)
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = call_in(server)
    offer = alices.offered(call)
    bobs.offered(call)  # alice's ring ran out: now it rings for bob, and alice may still take it

    answers = accept_together([alices, bobs], offer["id"])

    assert sorted(answer.status_code for answer in answers) == [200, 409]
    [lost] = [answer for answer in answers if answer.status_code == 409]
    assert lost.json()["error"]["code"] == "call_taken"
    [won] = [answer for answer in answers if answer.status_code == 200]
    assert won.json()["stream"]["token"]
    on_call = AgentProfile.objects.filter(state=State.ON_CALL)
    assert [profile.user.username for profile in on_call] == [won.json()["agent"]]


def test_an_offer_survives_a_reload(server, desk, alice):
    """The page closes and opens again within AGENT_PRESENCE_GRACE: the call still rings."""
    make_queue()
    at_desk(alice)
    desk(alice).close()

    call = call_in(server)

    assert offered_to(call) == alice.pk
    assert desk(alice).offered(call)


def test_an_agent_without_a_page_is_rung_once_one_opens(server, desk, alice):
    make_queue()
    at_desk(alice)

    call = call_in(server)

    assert offered_to(call) is None
    assert desk(alice).offered(call)
    assert eventually(lambda: offered_to(call) == alice.pk)


def test_ending_another_call_leaves_the_agent_on_the_call_they_took(server, desk, alice):
    """Wrap-up follows the end of the offered call the agent took, not of any call of theirs."""
    make_queue()
    at_desk(alice)
    alices = desk(alice)
    call = call_in(server)
    alices.client.post(f"/api/offers/{alices.offered(call)['id']}/accept").raise_for_status()
    other = start_call(alices.client, "another-call").json()

    ended = alices.client.post(f"/api/sessions/{other['id']}/end")

    assert ended.status_code == 200, ended.text
    profile = AgentProfile.objects.get(user=alice)
    assert profile.state == State.ON_CALL
    assert profile.wrapping_up is None


def test_an_agent_who_goes_away_passes_the_ringing_call_on_at_once(server, desk, alice, bob):
    make_queue(ring_seconds=600)  # only going Away moves it on within the test
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    call = call_in(server)
    alices.offered(call)

    away = alices.client.post("/api/agent/state", json={"state": "away"})

    assert away.status_code == 200
    assert offered_to(call) == bob.pk
    assert bobs.offered(call)
    assert alices.told(lambda m: m["state"] == State.AWAY)["offer"] is None


def test_an_agent_on_a_call_cannot_take_another(server, desk, alice, bob):
    make_queue(ring_seconds=600)
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    alices, bobs = desk(alice), desk(bob)
    first = call_in(server)
    declined = alices.offered(first)["id"]
    alices.client.post(f"/api/offers/{declined}/decline").raise_for_status()
    bobs.offered(first)  # it rings for bob now
    second = call_in(server)  # bob is being rung: this one rings for alice
    alices.client.post(f"/api/offers/{alices.offered(second)['id']}/accept").raise_for_status()

    again = alices.client.post(f"/api/offers/{declined}/accept")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "on_a_call"
    assert QueuedCall.objects.get(pk=first.pk).outcome == QueuedCall.Outcome.WAITING
    assert offered_to(first) == bob.pk
