"""In a narrow frame (a CRM's side panel, a phone: 360 px wide) the console, the history, a
call's page and the live board (its queues and agents too) fit the width: a wide table
scrolls inside its own region and a long call id wraps, so nothing pushes the whole page
sideways. An inbound call's ringing panel and its wrap-up form fit too."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from sessions_app.models import CallSession, Disposition, Recording
from tests.aftercall.factories import ended_call, with_transcript
from tests.e2e.pages import LINES, signed_in_page
from tests.telephony.inbound import at_desk, make_queue, ring

pytestmark = pytest.mark.e2e

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
SCROLLS = "region => region.scrollWidth > region.clientWidth"


def narrow_page(browser: Browser, server: Any, user: Any) -> AbstractContextManager[Page]:
    return signed_in_page(browser, server, user, width=360, height=740)


def test_history_and_a_calls_page_fit(browser, live_server_daphne, alice, charlie) -> None:
    call = with_transcript(
        ended_call(
            alice,
            kallglot_id="sess_01M80ZKTQ9EW29HYY8BTA0YH2M",
            metadata={"ticket_id": "T-20261122-0042", "customer_id": "C-99887766"},
        )
    )
    Recording.objects.create(kallglot_id="rec_N1", session=call, status="ready", format="wav")

    for user in (alice, charlie):  # a supervisor's history has an Agent column too
        with narrow_page(browser, live_server_daphne, user) as page:
            page.goto(f"{live_server_daphne.url}/sessions/?within=all")  # an old call
            assert page.evaluate(SIDEWAYS) == 0
            region = page.get_by_role("region", name="Calls")
            assert region.evaluate(SCROLLS), "the table no longer needs its own scrolling"
            assert region.get_attribute("tabindex") == "0"  # keyboard users can scroll it
            assert region.locator("tbody td a").first.evaluate(LINES) == 1  # when, on one line

            page.goto(f"{live_server_daphne.url}/sessions/{call.public_id}/")
            assert page.locator("#recordings audio").is_visible()
            assert page.evaluate(SIDEWAYS) == 0


def test_the_live_board_fits(browser, live_server_daphne, alice, charlie) -> None:
    make_queue()
    at_desk(alice, languages="en,de,fr,es")
    with narrow_page(browser, live_server_daphne, charlie) as page:
        page.goto(f"{live_server_daphne.url}/supervisor/")
        page.locator("#board[data-state=live]").wait_for()
        page.locator("#agent-rows tr").wait_for()

        assert page.evaluate(SIDEWAYS) == 0
        for name in ("Open calls table", "Agents table"):
            region = page.get_by_role("region", name=name)
            assert region.evaluate(SCROLLS), f"the {name} no longer needs its own scrolling"
            assert region.get_attribute("tabindex") == "0"
        assert page.get_by_role("region", name="Queues table").get_attribute("tabindex") == "0"


def test_the_console_listing_a_call_left_open_fits(browser, live_server_daphne, alice) -> None:
    CallSession.objects.create(
        kallglot_id="sess_01M812T5955E8YPW9YMN8TVM6F",
        agent=alice,
        mode="ai_agent",
        created_at=timezone.now() - timedelta(minutes=5),
    )
    # The newest the console takes back; Kallglot does not know it: the page says so.
    CallSession.objects.create(kallglot_id="sess_UNKNOWN", agent=alice, mode="ai_agent")
    with narrow_page(browser, live_server_daphne, alice) as page:
        page.goto(f"{live_server_daphne.url}/")
        page.locator("#console[data-state=error], #console[data-state=ended]").wait_for()

        assert page.locator("#open-calls").get_by_text("sess_01M812T5955E8YPW9YMN8TVM6F").count()
        assert page.evaluate(SIDEWAYS) == 0


def test_an_inbound_call_ringing_and_its_wrap_up_fit(browser, live_server_daphne, alice, upstream):
    make_queue(ring_seconds=30)
    Disposition.objects.create(label="Complaint about a delivery that never arrived")
    at_desk(alice)
    with narrow_page(browser, live_server_daphne, alice) as page:
        page.goto(f"{live_server_daphne.url}/")
        page.locator("#desk[data-socket=open]").wait_for()
        assert page.evaluate(SIDEWAYS) == 0
        placed = ring(live_server_daphne)

        panel = page.get_by_role("alertdialog", name="Incoming call")
        panel.wait_for()
        box = panel.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
        assert box["y"] + box["height"] <= 740
        for name in ("Accept", "Decline"):
            assert panel.get_by_role("button", name=name).evaluate(LINES) == 1
        assert page.evaluate(SIDEWAYS) == 0

        page.keyboard.press("Enter")
        page.locator("#console[data-state=live]").wait_for()
        upstream.call("POST", f"_control/twilio/calls/{placed['call_sid']}/hangup")
        form = page.get_by_role("form", name="Wrap-up")
        form.wait_for(timeout=20_000)
        assert form.get_by_label("Outcome").bounding_box()["width"] <= 360
        assert page.evaluate(SIDEWAYS) == 0
