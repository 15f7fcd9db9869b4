"""A supervisor's End on the board asks first (Escape keeps the call); once confirmed, the
agent's console names the supervisor who ended it."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession
from tests.e2e.pages import BoardPage, ConsolePage, poll

pytestmark = pytest.mark.e2e


def test_a_supervisors_end_is_confirmed_and_named(
    console: ConsolePage, board: BoardPage, charlie: object
) -> None:
    charlie.first_name, charlie.last_name = "Charlie", "Day"
    charlie.save()
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]
    row = board.row(session_id)
    dialog = board.page.locator("#end-dialog")

    row.get_by_role("button", name="End call").click()
    assert dialog.is_visible()
    assert "alice's call" in dialog.inner_text()
    assert board.page.evaluate("() => document.activeElement.id") == "end-cancel"
    board.page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert console.state() == "live"
    assert CallSession.objects.get(public_id=session_id).status != "ended"

    row.get_by_role("button", name="End call").click()
    board.page.get_by_role("button", name="End the call").click()

    console.wait_for_state("ended")
    detail = console.page.locator("#state-detail")
    poll(lambda: detail.inner_text() == "by supervisor Charlie Day", "the supervisor's name")
    assert console.page.locator("#state-label").inner_text() == "Call ended"
    assert dialog.is_hidden()
    row.wait_for(state="detached")
    ended = board.page.locator(f"#ended-calls li[data-session='{session_id}']")
    assert ended.inner_text().endswith("alice: Ended by supervisor Charlie Day")
    call = CallSession.objects.get(public_id=session_id)
    assert call.end_reason == "ended_by_supervisor"
