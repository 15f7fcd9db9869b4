"""Click-to-dial in real Chromium, through the sandbox's stand-in for Twilio's Calls API: an agent
types a customer's number on the console's outbound line and dials; the console and a
supervisor's board follow the call in words (dialling, ringing, answered); the agent talks (her
tone reaches Kallglot), the customer hangs up, and she files the call at wrap-up. A busy number
and one nobody answers each end with their message and leave no call open. A CRM page that
frames the console dials by postMessage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from sessions_app.models import CallSession, Disposition, OutboundCall, Route
from tests.conftest import LiveServer, SandboxControl, free_port, start_daphne
from tests.e2e.conftest import BURST_S, BURSTS, GAP_S, TONE_HZ
from tests.e2e.crm import Crm
from tests.e2e.desks import wait_at_desk, wait_for_agent_state
from tests.e2e.pages import FRAME_S, ConsolePage, open_board, open_console, poll
from tests.e2e.test_it_embeds_the_console_across_sites import open_crm
from tests.e2e.test_it_rings_agents_for_an_inbound_call import assert_no_errors, file_the_call
from tests.telephony.inbound import at_desk

pytestmark = pytest.mark.e2e

LINE = "+4930901830"  # the centre's own Twilio number the outbound line calls from
SECRET = "embed-signing-secret-for-tests-only"


def make_line() -> Route:
    return Route.objects.create(
        label="Outbound Berlin",
        kind=Route.Kind.CONNECTION,
        connection_id="pcon_sandbox_twilio",
        phone_number=LINE,
        direction=Route.Direction.OUTBOUND,
        customer_language="de",
        agent_language="en",
    )


def customer_line(console: ConsolePage) -> str:
    return console.page.locator("#customer").inner_text()


def timeline(console: ConsolePage) -> list[str]:
    items = console.page.locator("#call-timeline li").all_inner_texts()
    return [item.split(" ", 1)[1] for item in items]


def dial(console: ConsolePage, number: str) -> None:
    console.page.get_by_label("Customer's number").fill(number)
    console.page.get_by_role("button", name="Dial").click()


def test_an_agent_dials_a_customer_who_answers_talks_and_hangs_up(
    browser, live_server_daphne, alice, charlie, app_webhooks: SandboxControl
):
    app_webhooks.config(caller_hangup=False)  # the customer stays until the test hangs up
    # The customer lets it ring for 3 s (long enough to see Cancel call), then answers.
    plan = {"answer": "answer", "after_ms": 3000}
    app_webhooks.call("POST", "_control/twilio/next_outbound", json=plan)
    make_line()
    Disposition.objects.create(label="Other")
    at_desk(alice)
    with (
        open_board(browser, live_server_daphne, charlie) as board,
        open_console(browser, live_server_daphne, alice) as console,
    ):
        wait_at_desk(console)
        hint = console.page.locator("#dial-hint").inner_text()
        assert hint == "With the country code, or as dialled in Germany."
        dial(console, "0176 12345678")

        poll(lambda: "The customer's phone is ringing" in timeline(console), "ringing", timeout=10)
        assert console.page.get_by_role("button", name="Cancel call").is_visible()
        poll(lambda: "The customer answered" in timeline(console), "answered", timeout=10)
        assert timeline(console)[:3] == [
            "Created",
            "Dialling the customer",
            "The customer's phone is ringing",
        ]
        console.wait_for_state("live")
        assert console.page.get_by_label("Customer's number").input_value() == "+49 176 12345678"
        wait_for_agent_state(console, "On a call")
        session = CallSession.objects.get(public_id=console.stats()["sessionId"])
        for kind in ("call.dialling", "call.ringing", "call.answered"):
            poll(lambda k=kind: board.received(k, str(session.public_id)), f"the board: {kind}")
        poll(lambda: "Outbound Berlin" in board.row(str(session.public_id)).inner_text(), "row")

        console.final_caption("customer")  # the customer answers her, translated
        all_bursts_s = BURSTS * (BURST_S + GAP_S) + 1
        console.wait_until(lambda s: s["framesSent"] * FRAME_S >= all_bursts_s, "all bursts", 15)
        call = OutboundCall.objects.get(session=session)
        app_webhooks.call("POST", f"_control/twilio/calls/{call.call_sid}/hangup")
        console.wait_for_state("ended", timeout=15)
        detail = console.page.locator("#state-detail")
        poll(lambda: detail.inner_text() == "because the customer hung up", "why it ended")
        audio = app_webhooks.audio(session.kallglot_id)
        assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)

        file_the_call(console, "Other", "Called back about the order")
        assert_no_errors(console, board)
    call.refresh_from_db()
    assert (call.number, call.outcome, call.carrier_status) == (
        "+4917612345678",
        "answered",
        "completed",
    )


@pytest.mark.parametrize(
    ("number", "words", "ended"),
    [
        ("+49 176 1234 0001", "The line is busy", "because the line was busy"),
        ("+49 176 1234 0002", "Nobody answered", "because nobody answered"),
    ],
)
def test_a_customer_who_does_not_come_to_the_phone_leaves_no_call_open(
    browser, live_server_daphne, alice, app_webhooks: SandboxControl, number, words, ended
):
    make_line()
    at_desk(alice)
    with open_console(browser, live_server_daphne, alice) as console:
        dial(console, number)
        console.wait_for_state("ended", timeout=20)
        poll(lambda: console.page.locator("#state-detail").inner_text() == ended, ended)
        poll(lambda: customer_line(console) == words, f"the console to say {words}")
        assert words in timeline(console)
        wait_for_agent_state(console, "Wrap-up")
        assert console.errors == []
    assert not CallSession.objects.open().exists()
    session = CallSession.objects.get()
    assert app_webhooks.session(session.kallglot_id)["status"] == "ended"
    assert OutboundCall.objects.get().outcome == {"0001": "busy", "0002": "no_answer"}[number[-4:]]


@pytest.fixture(scope="module")
def crm_site(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crm]:
    port = free_port()
    crm = Crm(f"http://127.0.0.1:{port}", SECRET)
    app = start_daphne(
        tmp_path_factory.mktemp("dial-crm"),
        port=port,
        EMBED_ALLOWED_ORIGINS=crm.origin,
        EMBED_SIGNING_SECRET=SECRET,
        DIAL_RING_SECONDS="5",
    )
    crm.app = app
    try:
        with crm.serving():
            yield crm
    finally:
        app.stop()


def test_a_crm_page_dials_by_post_message(browser: Browser, crm_site: Crm, alice: object) -> None:
    app: LiveServer = crm_site.app
    SandboxControl(app.sandbox_base).reset()
    make_line()
    with open_crm(browser, f"{crm_site.origin}/crm") as host:
        host.wait_for("ready")
        host.send({"type": "dial", "number": "+49 176 98765432", "context": {"ticket_id": "T-88"}})
        created = host.wait_for("session.created")["session"]
        host.wait_for("session.started")
        answered = "#call-timeline li[data-kind='call.answered']"
        host.console.wait_for_selector(answered, state="attached")
        host.send({"type": "end"})
        host.wait_for("session.ended")

    session = CallSession.objects.get(public_id=created["id"])
    assert session.metadata["ticket_id"] == "T-88"
    assert OutboundCall.objects.get(session=session).number == "+4917698765432"
    assert session.status == "ended"


def test_a_link_with_a_number_prefills_the_outbound_line(browser, live_server_daphne, alice):
    Route.objects.create(label="Browser", is_default=True)
    line = make_line()
    with open_console(browser, live_server_daphne, alice) as console:
        assert console.page.locator("#dial-field").is_hidden()  # the default line dials nobody
        console.page.goto(f"{live_server_daphne.url}/?dial=0176%201234%200001")
        console.wait_for_state("idle")
        assert console.page.get_by_label("Line", exact=True).input_value() == str(line.pk)
        assert console.page.get_by_label("Customer's number").input_value() == "0176 1234 0001"
        assert console.page.get_by_role("button", name="Dial").is_enabled()
        assert console.errors == []
