"""Accept on a call that another agent took a moment earlier is no error: the console says
the call was taken, stops ringing and stays ready, and the agent stays Available."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route

from sessions_app.models import QueuedCall
from tests.conftest import SandboxControl
from tests.e2e.desks import agent_state, ring_panel, wait_at_desk, wait_for_agent_state
from tests.e2e.pages import open_console
from tests.live_agents import signed_in
from tests.telephony.inbound import at_desk, make_queue, ring

pytestmark = pytest.mark.e2e


def test_accept_after_another_agent_took_the_call(
    browser, live_server_daphne, alice, bob, upstream: SandboxControl
):
    make_queue(ring_seconds=30)
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    server = live_server_daphne
    with open_console(browser, server, alice) as alices, open_console(browser, server, bob) as bobs:
        for console in (alices, bobs):
            wait_at_desk(console)
        ring(server)
        ring_panel(alices).get_by_role("button", name="Decline").click()
        ring_panel(bobs).wait_for()
        offer_id = str(QueuedCall.objects.get().public_id)

        def alice_first(route: Route) -> None:
            """Alice, rung first, takes the call after all, just before Bob's Accept lands."""
            client = signed_in(server, alice)
            taken = client.post(f"/api/offers/{offer_id}/accept")
            client.close()
            assert taken.status_code == 200, taken.text
            route.continue_()

        bobs.page.route("**/accept", alice_first)
        bobs.page.keyboard.press("Enter")  # Accept has the focus

        bobs.page.locator("#alert[data-tone=warning]").wait_for()
        assert bobs.alert() == "Another agent has taken this call."
        bobs.wait_for_state("idle")
        assert not ring_panel(bobs).is_visible()
        assert bobs.stats()["ringing"] == ""
        assert bobs.page.locator("#start").is_enabled()
        assert agent_state(bobs) == "Available"
        wait_for_agent_state(alices, "On a call")
