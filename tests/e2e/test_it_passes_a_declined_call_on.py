"""Decline on a ringing console passes the call to the next agent at once; the agent who
declined stays Available (a reload keeps them so), and the call that rings for the next one
stops ringing, with the reason, when its caller hangs up."""

from __future__ import annotations

import pytest

from sessions_app import phone
from sessions_app.models import AgentProfile, QueuedCall
from tests.conftest import SandboxControl
from tests.e2e.desks import (
    TITLE,
    agent_state,
    focused_id,
    notice,
    ring_panel,
    wait_at_desk,
    wait_for_agent_state,
)
from tests.e2e.pages import open_console, poll
from tests.telephony.inbound import at_desk, make_queue, ring

pytestmark = pytest.mark.e2e

FOCUSED_CHOICE = "() => document.activeElement.name + ':' + document.activeElement.value"


def test_decline_passes_the_call_to_the_next_agent(
    browser, live_server_daphne, alice, bob, upstream: SandboxControl
):
    make_queue(ring_seconds=30)
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    server = live_server_daphne
    with open_console(browser, server, alice) as alices, open_console(browser, server, bob) as bobs:
        alices.page.reload()  # Available is the server's: a reload keeps it
        alices.wait_for_state("idle")
        for console in (alices, bobs):
            wait_at_desk(console)
            wait_for_agent_state(console, "Available")

        placed = ring(server)
        ring_panel(alices).wait_for()
        assert focused_id(alices) == "accept"
        alices.page.keyboard.press("Tab")
        assert focused_id(alices) == "decline"
        alices.page.keyboard.press("Enter")

        ring_panel(bobs).wait_for()  # at once, not after Alice's ring time
        caller = phone.display(QueuedCall.objects.get().caller)
        assert bobs.page.locator("#ring-caller").inner_text() == caller
        assert not ring_panel(alices).is_visible()
        assert alices.stats()["ringing"] == ""
        assert alices.page.title() == TITLE
        assert alices.page.evaluate(FOCUSED_CHOICE) == "agent-state:available"
        assert agent_state(alices) == "Available"
        assert notice(alices) == ""
        assert AgentProfile.objects.get(user=alice).state == AgentProfile.State.AVAILABLE

        # The caller gives up while it rings for Bob: the ring stops and he is told why.
        upstream.call("POST", f"_control/twilio/calls/{placed['call_sid']}/hangup")
        poll(lambda: notice(bobs) == "The caller hung up.", "Bob told why it stopped")
        assert not ring_panel(bobs).is_visible()
        assert bobs.stats()["ringing"] == ""
        assert bobs.page.title() == TITLE
        assert agent_state(bobs) == "Available"
        assert QueuedCall.objects.get().outcome == QueuedCall.Outcome.MISSED
        assert (alices.errors, bobs.errors) == ([], [])
