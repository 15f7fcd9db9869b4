"""Calls that no console runs any more (their tab crashed, or closed while the call was being
created: no page-leave signal ends them): the next console the agent opens takes the newest
back (test_it_takes_a_live_call_back.py) and lists the older ones, which can be ended there or
from their page in History, at Kallglot too, so they stop counting against the agent's open
calls."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e

# What a console's create does, without the console that would end the call.
CREATE = """async (key) => {
  const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
  const response = await fetch("/api/sessions", {
    method: "POST",
    headers: {
      "Content-Type": "application/json", "X-CSRFToken": csrf, "Idempotency-Key": key,
    },
    body: JSON.stringify({ mode: "bidirectional_translation", source_language: "en" }),
  });
  return (await response.json()).id;
}"""


def left_open(console: ConsolePage) -> tuple[CallSession, Locator]:
    """Two calls made as a console makes them, then the console opened afresh: it takes the
    newer back and lists the older."""
    older = CallSession.objects.get(public_id=console.page.evaluate(CREATE, "left-open-1"))
    newer = CallSession.objects.get(public_id=console.page.evaluate(CREATE, "left-open-2"))
    console.page.reload()
    console.wait_for_state("live")
    assert console.stats()["sessionId"] == str(newer.public_id)
    return older, console.page.locator("#open-calls li")


def test_the_console_lists_a_call_left_open_and_ends_it(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    session, listed = left_open(console)
    page = console.page
    assert listed.count() == 1
    assert session.kallglot_id in listed.inner_text()

    listed.get_by_role("button", name="End it").click()

    poll(lambda: page.locator("#open-calls").count() == 0, "the list to go")
    assert upstream.session(session.kallglot_id)["status"] == "ended"
    session.refresh_from_db()
    assert session.status == "ended"
    page.reload()
    console.wait_for_state("live")  # the newer call, taken back again
    assert page.locator("#open-calls").count() == 0
    assert console.errors == []


def test_it_ends_a_call_left_open_from_its_page(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    public_id = console.page.evaluate(CREATE, "left-open")
    session = CallSession.objects.get(public_id=public_id)
    page = console.page
    page.goto(f"{console.server.url}/sessions/{public_id}/")
    assert page.locator("#detail-status").inner_text() == "Created"

    page.click("#end-call")

    poll(lambda: page.locator("#detail-status").inner_text() == "Ended", "the page to say so")
    assert page.locator("#end-call").count() == 0
    assert upstream.session(session.kallglot_id)["status"] == "ended"
    session.refresh_from_db()
    assert session.status == "ended"
    assert console.errors == []


def test_it_says_why_a_call_left_open_could_not_be_ended(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    session, listed = left_open(console)
    page = console.page
    upstream.fault("sessions.end", 402, "insufficient_credits")

    listed.get_by_role("button", name="End it").click()

    message = listed.get_by_role("alert")
    poll(lambda: message.is_visible(), "the message")
    assert "credits" in message.inner_text()
    assert listed.get_by_role("button", name="End it").is_enabled()
    session.refresh_from_db()
    assert session.status != "ended"
    listed.get_by_role("button", name="End it").click()  # the fault fired once: this ends it
    poll(lambda: page.locator("#open-calls").count() == 0, "the list to go")
