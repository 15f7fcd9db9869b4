"""A call on a telephony route in real Chromium: the console rings, then shows the customer
connected with their number and carrier; the agent's tone still reaches Kallglot as 440 Hz;
the customer hangs up and the call ends after the grace; History and the call's page name the
line. A SIP route gives the PBX its bridge URI."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from sessions_app.models import CallSession, Route
from tests.conftest import SandboxControl
from tests.e2e.conftest import TONE_HZ
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e

BERLIN = "+4930901820"  # a number the sandbox manages by default


def customer_line(console: ConsolePage) -> str:
    return console.page.locator("#customer").inner_text()


def test_it_runs_a_call_on_a_managed_number(console: ConsolePage, app_webhooks: SandboxControl):
    Route.objects.create(label="Browser only", kind="browser", is_default=True)
    berlin = Route.objects.create(
        label="Berlin line", kind="managed_number", phone_number=BERLIN, customer_language="de"
    )
    app_webhooks.config(ring_ms=1500, caller_hangup=False)
    console.page.goto(f"{console.server.url}/?route={quote('Berlin line')}")  # from a CRM
    console.wait_for_state("idle")
    assert console.page.get_by_label("Line", exact=True).input_value() == str(berlin.pk)

    console.page.click("#start")
    console.wait_for_state("live")
    assert customer_line(console) == "Calling the customer…"
    connected = "Customer connected (+49 30 901820, Twilio)"
    poll(lambda: customer_line(console) == connected, "the customer to connect")
    timeline = console.page.locator("#call-timeline")
    poll(lambda: connected in timeline.inner_text(), "the timeline to say so")
    console.final_caption("customer")  # the scripted caller speaks, and is translated

    session = CallSession.objects.get(public_id=console.stats()["sessionId"])
    assert (session.route, session.provider, session.phone_number) == (berlin, "twilio", BERLIN)
    app_webhooks.call("POST", f"_control/sessions/{session.kallglot_id}/customer",
                      json={"action": "hangup"})  # fmt: skip
    poll(lambda: customer_line(console).startswith("Customer hung up. The call ends in"), "hang-up")
    console.wait_for_state("ended", timeout=20)
    assert "because the customer hung up" in console.page.locator("#state-detail").inner_text()
    assert app_webhooks.session(session.kallglot_id)["status"] == "ended"
    audio = app_webhooks.audio(session.kallglot_id)
    assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)

    console.page.goto(f"{console.server.url}/sessions/")
    assert "Berlin line · +49 30 901820 · Twilio" in console.page.locator("table").inner_text()
    console.page.goto(f"{console.server.url}/sessions/{session.public_id}/")
    assert "Berlin line · +49 30 901820 · Twilio" in console.page.locator("main").inner_text()
    assert console.errors == []


def test_a_sip_route_gives_the_pbx_its_bridge(console: ConsolePage, upstream: SandboxControl):
    Route.objects.create(label="PBX", kind="sip", is_default=True)
    console.page.goto(f"{console.server.url}/")
    console.wait_for_state("idle")
    assert not console.page.locator("#route-field").is_visible()  # one route: no picker

    console.page.click("#start")
    console.wait_for_state("live")

    kallglot_id = CallSession.objects.get(public_id=console.stats()["sessionId"]).kallglot_id
    bridge = console.page.locator("#bridge-uri")
    assert bridge.inner_text() == f"sip:{kallglot_id}@sip.kallglot.com"
    assert console.page.get_by_role("button", name="Copy").is_visible()
    assert "Waiting for the PBX" in customer_line(console)
    console.page.click("#end")
    console.wait_for_state("ended")
