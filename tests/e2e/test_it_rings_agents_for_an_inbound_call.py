"""An inbound call in real Chromium: a customer dials the centre's Twilio number, the call rings
on the console of the agent available longest; she lets it ring out and is Away; it rings for
the next, who accepts from the keyboard and is live with the caller (his tone reaches Kallglot,
the caller's captions reach him); the caller hangs up, he files the call at wrap-up and is
Available again. A supervisor's board is told of the waiting call and of him on it. The agents'
states are the server's: a reload keeps them."""

from __future__ import annotations

import pytest

from sessions_app import phone
from sessions_app.models import CallSession, Disposition, QueuedCall, Route
from tests.conftest import SandboxControl
from tests.e2e.conftest import BURST_S, BURSTS, GAP_S, TONE_HZ
from tests.e2e.desks import (
    TITLE,
    agent_row,
    board_sent,
    focused_id,
    notice,
    queue_row,
    ring_panel,
    ringing,
    wait_at_desk,
    wait_for_agent_state,
)
from tests.e2e.pages import FRAME_S, BoardPage, ConsolePage, open_board, open_console, poll
from tests.telephony.inbound import NUMBER, at_desk, make_queue

pytestmark = pytest.mark.e2e

MISSED_RING = "You did not answer a call, so you are Away now. Choose Available to take calls."


def test_it_rings_for_the_longest_available_then_the_next_who_takes_and_files_it(
    browser, live_server_daphne, alice, bob, charlie, app_webhooks: SandboxControl
):
    app_webhooks.config(caller_hangup=False)  # the caller stays until the test hangs up
    make_queue(ring_seconds=5)
    question = Disposition.objects.create(label="Billing question")
    at_desk(alice, since=60)
    at_desk(bob, since=10)
    server = live_server_daphne
    with (
        open_board(browser, server, charlie) as board,
        open_console(browser, server, alice) as alices,
        open_console(browser, server, bob) as bobs,
    ):
        for console in (alices, bobs):
            wait_at_desk(console)
            wait_for_agent_state(console, "Available")

        bobs.page.get_by_role("button", name="Simulate an incoming call").click()
        poll(lambda: notice(bobs) == "Ringing the centre's number +49 30 901821…", "the notice")
        call = poll(lambda: QueuedCall.objects.first(), "the call to arrive")
        assert_rings(alices, caller=phone.display(call.caller))
        assert not ringing(bobs)
        poll(lambda: board_sent(board, waiting_in("German line", 1)), "the board: one waiting")

        # Alice lets it ring out: she is Away, and it rings for Bob.
        poll(lambda: notice(alices) == MISSED_RING, "Alice told she missed it", timeout=15)
        wait_for_agent_state(alices, "Away")
        assert not ringing(alices)
        assert not ring_panel(alices).is_visible()
        assert alices.page.title() == TITLE
        assert_rings(bobs, caller=phone.display(call.caller))

        bobs.page.keyboard.press("Enter")  # Accept has the focus
        bobs.wait_for_state("live")
        wait_for_agent_state(bobs, "On a call")
        assert not ringing(bobs)
        assert bobs.page.title() == TITLE
        session = CallSession.objects.get(public_id=bobs.stats()["sessionId"])
        assert (session.agent, QueuedCall.objects.get().session) == (bob, session)
        poll(lambda: board_sent(board, agent_in("bob", "On a call")), "the board: Bob on it")
        board_row = board.row(str(session.public_id))
        poll(lambda: board_row.get_attribute("data-status") == "active", "the board: live")

        bobs.final_caption("customer")  # the caller answers Bob, translated
        all_bursts_s = BURSTS * (BURST_S + GAP_S) + 1
        bobs.wait_until(lambda s: s["framesSent"] * FRAME_S >= all_bursts_s, "all bursts", 15)
        app_webhooks.call("POST", f"_control/twilio/calls/{call.call_sid}/hangup")
        bobs.wait_for_state("ended", timeout=20)  # after the hang-up grace
        assert "because the customer hung up" in bobs.page.locator("#state-detail").inner_text()
        audio = app_webhooks.audio(session.kallglot_id)
        assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)

        file_the_call(bobs, "Billing question", "Wants a refund")
        session.refresh_from_db()
        assert (session.disposition, session.wrap_up_note) == (question, "Wants a refund")

        for console, state in ((alices, "Away"), (bobs, "Available")):
            console.page.reload()
            console.wait_for_state("idle")
            wait_at_desk(console)
            wait_for_agent_state(console, state)
        assert_no_errors(alices, bobs, board)


def assert_rings(console: ConsolePage, *, caller: str) -> None:
    panel = ring_panel(console)
    panel.wait_for()
    assert panel.locator("#ring-caller").inner_text() == caller
    assert panel.locator("#ring-queue").inner_text() == "on German line"
    assert panel.locator("#ring-countdown").inner_text().startswith("Rings for ")
    assert focused_id(console) == "accept"
    assert ringing(console) == "sounding"
    poll(lambda: console.page.title() == f"Incoming call — {caller}", "the title to flash")


def file_the_call(console: ConsolePage, outcome: str, note: str) -> None:
    form = console.page.get_by_role("form", name="Wrap-up")
    form.wait_for()
    wait_for_agent_state(console, "Wrap-up")
    assert form.locator("#wrap-up-left").inner_text().startswith("You are Available again in ")
    assert focused_id(console) == "disposition"
    console.page.get_by_label("Outcome").select_option(label=outcome)
    console.page.get_by_label("Note (optional)").fill(note)
    form.get_by_role("button", name="Submit").click()
    wait_for_agent_state(console, "Available")
    assert not form.is_visible()


def waiting_in(label: str, count: int):
    return lambda message: queue_row(message, label).get("waiting") == count


def agent_in(name: str, state_label: str):
    return lambda message: agent_row(message, name).get("state_label") == state_label


def assert_no_errors(*pages: ConsolePage | BoardPage) -> None:
    assert [page.errors for page in pages] == [[] for _ in pages]


def test_the_simulate_button_dials_the_number_chosen(
    browser, live_server_daphne, alice, upstream: SandboxControl
):
    make_queue()
    Route.objects.create(
        label="Austrian line",
        kind=Route.Kind.CONNECTION,
        connection_id="pcon_sandbox_twilio",
        phone_number="+43122334455",
        direction=Route.Direction.INBOUND,
    )
    with open_console(browser, live_server_daphne, alice) as console:
        picker = console.page.get_by_label("Number the simulated caller dials")
        assert picker.locator("option").all_inner_texts() == [
            "Austrian line (+43 1 22334455)",
            "German line (+49 30 901821)",
        ]
        picker.select_option(label="German line (+49 30 901821)")
        console.page.get_by_role("button", name="Simulate an incoming call").click()
        poll(lambda: notice(console) == "Ringing the centre's number +49 30 901821…", "notice")
        call = poll(lambda: QueuedCall.objects.first(), "the call to arrive")
        assert call.called == NUMBER
        assert console.errors == []
