"""At a CRM side panel's width (380 px) the call bar (state, timer, Mute, End) stays in view
while the captions scroll in their own area; after the call the captions stay above the
setup form; the board's Watch and End buttons and History's key columns fit; no page
scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sessions_app.models import CallSession
from tests.aftercall.factories import ended_call, with_transcript
from tests.e2e.pages import poll, signed_in_page
from tests.e2e.talk import speak

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 380, 700
SIDEWAYS = "() => document.documentElement.scrollWidth - innerWidth"
# Where an element is, and whether it is what a click at its centre would hit.
IN_VIEW = """element => {
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth
    && box.width > 0 && element.contains(hit);
}"""
# Scrolls the page down to an element, and only the page: no region scrolls sideways to it.
SCROLL_DOWN_TO = "element => window.scrollBy(0, element.getBoundingClientRect().top - 80)"
CAPTIONS = "() => document.querySelectorAll('#captions li').length"


def in_view(page: Page, selector: str) -> bool:
    return page.locator(selector).first.evaluate(IN_VIEW)


def test_the_end_button_stays_in_view_while_40_captions_arrive(
    browser, live_server_daphne, alice, upstream
) -> None:
    with signed_in_page(browser, live_server_daphne, alice, WIDTH, HEIGHT) as page:
        page.goto(f"{live_server_daphne.url}/")
        page.locator("#console[data-state=idle]").wait_for()
        assert page.evaluate(SIDEWAYS) == 0

        page.click("#start")
        page.locator("#console[data-state=live]").wait_for()
        session_id = page.evaluate("() => window.kallglotConsole.sessionId")
        speak(upstream, CallSession.objects.get(public_id=session_id).kallglot_id, 40)

        def forty_with_end_in_view() -> bool:
            assert in_view(page, "#end"), "End went out of view as captions arrived"
            return page.evaluate(CAPTIONS) >= 40

        poll(forty_with_end_in_view, "40 captions", timeout=30)
        assert page.evaluate(SIDEWAYS) == 0
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        for control in ("#end", "#mute", "#call-timer", "#state-label"):
            assert in_view(page, control), f"{control} scrolled away with the page"

        page.click("#end")
        page.locator("#console[data-state=ended]").wait_for()
        assert page.evaluate(SIDEWAYS) == 0
        page.evaluate("() => window.scrollTo(0, 0)")
        assert in_view(page, "#captions-title"), "the setup form pushed the captions down"
        newest = page.locator("#captions li:last-child").bounding_box()
        assert 0 <= newest["y"] < HEIGHT - 40, "the newest caption is out of sight"


def test_history_a_call_and_the_board_fit(browser, live_server_daphne, alice, charlie) -> None:
    call = with_transcript(ended_call(alice, metadata={"ticket_id": "T-20261122-0042"}))
    CallSession.objects.create(
        kallglot_id="sess_01M812T5955E8YPW9YMN8TVM6F", agent=alice, mode="ai_agent"
    )
    for user in (alice, charlie):
        with signed_in_page(browser, live_server_daphne, user, WIDTH, HEIGHT) as page:
            page.goto(f"{live_server_daphne.url}/sessions/?within=all")  # an old call
            assert page.evaluate(SIDEWAYS) == 0
            row = f"tr[data-session='{call.public_id}']"
            page.locator(row).evaluate(SCROLL_DOWN_TO)
            assert in_view(page, f"{row} td.table__when a"), "the call's link is out of sight"
            assert in_view(page, f"{row} .status"), "the call's status is out of sight"

            page.goto(f"{live_server_daphne.url}/sessions/{call.public_id}/")
            assert page.evaluate(SIDEWAYS) == 0

    with signed_in_page(browser, live_server_daphne, charlie, WIDTH, HEIGHT) as page:
        page.goto(f"{live_server_daphne.url}/supervisor/")
        page.locator("#board[data-state=live]").wait_for()
        row = page.locator("#board-rows tr").first
        row.wait_for()
        row.evaluate(SCROLL_DOWN_TO)
        assert page.evaluate(SIDEWAYS) == 0
        for name in ("Watch captions", "End call"):
            assert row.get_by_role("button", name=name).evaluate(IN_VIEW), f"{name} is cut off"
