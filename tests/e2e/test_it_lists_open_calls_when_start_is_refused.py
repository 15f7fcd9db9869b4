"""A Start refused for too many open calls lists them inline, each with End it, and counts
the refusal's Retry-After down on the disabled Start; ending one frees Start."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e


def open_calls(agent: object, upstream: SandboxControl, count: int) -> list[CallSession]:
    """Calls Kallglot has open for the agent, which no console runs (made after the page)."""
    calls = []
    for _ in range(count):
        made = upstream.call("POST", "sessions", json={"mode": "ai_agent"}).json()
        calls.append(
            CallSession.objects.create(
                kallglot_id=made["id"], agent=agent, mode="ai_agent", created_at=timezone.now()
            )
        )
    return calls


def countdown(console: ConsolePage) -> int:
    label = console.page.inner_text("#start")
    found = re.search(r"\((\d+) s\)", label)
    assert found, f"no countdown on Start: {label!r}"
    return int(found.group(1))


def test_the_refusal_lists_the_open_calls_and_counts_down(
    console: ConsolePage, upstream: SandboxControl, alice: object
) -> None:
    calls = open_calls(alice, upstream, 3)
    page = console.page

    page.click("#start")
    console.wait_for_state("error")

    listed = page.locator("#alert li")
    listed.nth(2).wait_for()  # the list's module loads once a Start is refused
    assert listed.count() == 3
    assert [call.kallglot_id in listed.nth(i).inner_text() for i, call in enumerate(calls)] == [
        True
    ] * 3
    assert "reload" not in console.alert().lower()
    assert page.locator("#start").is_disabled()
    first = countdown(console)
    poll(lambda: countdown(console) < first, "the countdown to go down")

    listed.first.get_by_role("button", name="End it").click()

    poll(lambda: page.locator("#alert li").count() == 2, "the ended call to leave the list")
    assert upstream.session(calls[0].kallglot_id)["status"] == "ended"
    poll(lambda: page.locator("#start").is_enabled(), "Start to be free again")
    assert "(" not in page.inner_text("#start")
    page.click("#start")
    console.wait_for_state("live")
    assert [e for e in console.errors if "status of 429" not in e] == []  # the refusal itself
