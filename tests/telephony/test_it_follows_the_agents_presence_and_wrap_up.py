"""Agents' presence and wrap-up, on a server of their own with short timings: an agent whose
pages all closed is no longer offered calls once AGENT_PRESENCE_GRACE has passed; after a call
they took ends they are in Wrap-up until they file it, or until WRAP_UP_SECONDS pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sessions_app import agents
from sessions_app.models import AgentProfile, CallSession, Disposition, QueuedCall
from tests.conftest import LiveServer, SandboxControl, start_daphne
from tests.telephony.inbound import Desk, at_desk, eventually, make_queue, queued, ring

pytestmark = pytest.mark.django_db(transaction=True)

State = AgentProfile.State


def own_server(tmp_path, **timings: str) -> Iterator[LiveServer]:
    server = start_daphne(tmp_path, CUSTOMER_HANGUP_GRACE="1", **timings)
    SandboxControl(server.sandbox_base).reset()
    yield server
    server.stop()


@pytest.fixture
def short_grace(django_db_setup, tmp_path, settings) -> Iterator[LiveServer]:
    settings.AGENT_PRESENCE_GRACE = 1  # this process's view of presence, as the server's
    yield from own_server(tmp_path, AGENT_PRESENCE_GRACE="1")


@pytest.fixture
def long_wrap_up(django_db_setup, tmp_path) -> Iterator[LiveServer]:
    yield from own_server(tmp_path, WRAP_UP_SECONDS="600")


@pytest.fixture
def short_wrap_up(django_db_setup, tmp_path) -> Iterator[LiveServer]:
    yield from own_server(tmp_path, WRAP_UP_SECONDS="2")


def test_an_agent_who_closed_every_page_is_not_offered_calls_after_the_grace(
    short_grace, desk, alice
):
    make_queue()
    at_desk(alice)
    desk(alice, on=short_grace).close()
    eventually(lambda: AgentProfile.objects.get(user=alice).left_at)  # the server saw it close
    eventually(lambda: not agents.is_present(alice.pk))

    call = queued(short_grace, ring(short_grace)["call_sid"])

    assert QueuedCall.objects.get(pk=call.pk).offered_to_id is None
    assert QueuedCall.objects.get(pk=call.pk).rung == []
    assert desk(alice, on=short_grace).offered(call)  # back at the desk: it rings for them


def take_a_call(server: LiveServer, desk: Desk) -> tuple[str, dict]:
    """A call comes in and the agent at `desk` accepts it: its CallSid and the session JSON."""
    call = queued(server, ring(server)["call_sid"])
    offer = desk.offered(call)
    accepted = desk.client.post(f"/api/offers/{offer['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    return call.call_sid, accepted.json()


def caller_hangs_up(server: LiveServer, call_sid: str) -> None:
    SandboxControl(server.sandbox_base).call("POST", f"_control/twilio/calls/{call_sid}/hangup")


def test_after_the_call_the_agent_files_it_and_is_available(long_wrap_up, desk, alice):
    make_queue()
    outcome = Disposition.objects.create(label="Billing question")
    at_desk(alice)
    alices = desk(alice, on=long_wrap_up)
    call_sid, session = take_a_call(long_wrap_up, alices)

    caller_hangs_up(long_wrap_up, call_sid)

    wrapping = alices.told(lambda m: m["state"] == State.WRAP_UP)
    assert wrapping["wrap_up"]["session_id"] == session["id"]
    filed = alices.client.post(
        f"/api/sessions/{session['id']}/wrap-up",
        json={"disposition": outcome.pk, "note": "  Wants a refund.  "},
    )
    assert filed.status_code == 200, filed.text
    assert alices.told(lambda m: m["state"] == State.AVAILABLE)["wrap_up"] is None
    stored = CallSession.objects.get(public_id=session["id"])
    assert stored.disposition == outcome
    assert stored.wrap_up_note == "Wants a refund."
    assert stored.wrapped_up_at is not None


def test_wrap_up_ends_by_itself_after_wrap_up_seconds(short_wrap_up, desk, alice):
    make_queue()
    at_desk(alice)
    alices = desk(alice, on=short_wrap_up)
    call_sid, _ = take_a_call(short_wrap_up, alices)

    caller_hangs_up(short_wrap_up, call_sid)

    alices.told(lambda m: m["state"] == State.WRAP_UP)
    assert alices.told(lambda m: m["state"] == State.AVAILABLE)
    assert AgentProfile.objects.get(user=alice).state == State.AVAILABLE
