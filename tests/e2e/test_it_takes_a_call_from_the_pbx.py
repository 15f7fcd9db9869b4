"""A PBX-first call in real Chromium: the PBX asks the integrations API for a call naming an
agent; it rings on that agent's console only (not on the one available longer); he accepts and
the console shows the bridge URI the PBX was given; the PBX bridges its leg there, and the call
runs (his tone reaches Kallglot, the caller's captions reach him); the PBX's leg ends, it ends
the call through the API, and he files it at wrap-up."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession, Disposition
from tests.conftest import SandboxControl
from tests.e2e.conftest import BURST_S, BURSTS, GAP_S, TONE_HZ
from tests.e2e.desks import focused_id, ring_panel, ringing, wait_at_desk, wait_for_agent_state
from tests.e2e.pages import FRAME_S, ConsolePage, open_console, poll
from tests.integrations.pbx import end, make_token, place, sip_route
from tests.telephony.inbound import at_desk

pytestmark = pytest.mark.e2e


def customer_line(console: ConsolePage) -> str:
    return console.page.locator("#customer").inner_text()


def test_a_pbx_call_rings_the_agent_it_names_who_takes_it(
    browser, live_server_daphne, alice, bob, app_webhooks: SandboxControl
):
    app_webhooks.config(caller_hangup=False)  # the caller stays until the PBX ends the call
    _, key = make_token(sip_route())
    question = Disposition.objects.create(label="Billing question")
    at_desk(alice, since=60)  # available longer than Bob
    at_desk(bob, since=10)
    server = live_server_daphne
    with (
        open_console(browser, server, alice) as alices,
        open_console(browser, server, bob) as bobs,
    ):
        for console in (alices, bobs):
            wait_at_desk(console)
            wait_for_agent_state(console, "Available")

        placed = place(server.url, key, agent="bob", caller="+4930123456", pbx_call_id="4711.1")
        assert placed.status_code == 201, placed.text
        call = placed.json()

        panel = ring_panel(bobs)
        panel.wait_for()
        assert panel.locator("#ring-caller").inner_text() == "+49 30 123456"
        assert panel.locator("#ring-queue").inner_text() == "on PBX line"
        assert ringing(bobs) == "sounding"
        assert not ringing(alices)
        assert focused_id(bobs) == "accept"
        panel.get_by_role("button", name="Accept").click()
        bobs.wait_for_state("live")
        wait_for_agent_state(bobs, "On a call")
        assert bobs.page.locator("#bridge-uri").inner_text() == call["bridge_uri"]
        assert "Waiting for the PBX" in customer_line(bobs)

        app_webhooks.call("POST", "_control/sip/bridge", json={"to": call["bridge_uri"]})
        poll(lambda: customer_line(bobs).startswith("Customer connected"), "the PBX's bridge")
        bobs.final_caption("customer")  # the caller answers Bob, translated
        all_bursts_s = BURSTS * (BURST_S + GAP_S) + 1
        bobs.wait_until(lambda s: s["framesSent"] * FRAME_S >= all_bursts_s, "all bursts", 15)

        ended = end(server.url, key, call["id"])  # the PBX's leg ended
        assert ended.status_code == 200, ended.text
        bobs.wait_for_state("ended", timeout=20)
        session = CallSession.objects.get(public_id=call["id"])
        assert (session.agent, session.kallglot_id) == (bob, call["kallglot_id"])
        audio = app_webhooks.audio(session.kallglot_id)
        assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)

        form = bobs.page.get_by_role("form", name="Wrap-up")
        form.wait_for()
        wait_for_agent_state(bobs, "Wrap-up")
        bobs.page.get_by_label("Outcome").select_option(label="Billing question")
        form.get_by_role("button", name="Submit").click()
        wait_for_agent_state(bobs, "Available")
        session.refresh_from_db()
        assert session.disposition == question
        wait_for_agent_state(alices, "Available")  # never rung, so never set Away
        assert (alices.errors, bobs.errors) == ([], [])
