"""Upstream failures reach the agent as the server's own message, and the agent can retry."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Response

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def created(console: ConsolePage) -> list[Response]:
    responses: list[Response] = []
    console.page.on(
        "response",
        lambda response: (
            responses.append(response) if response.url.endswith("/api/sessions") else None
        ),
    )
    return responses


def test_it_shows_the_message_for_exhausted_credits_and_recovers(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    upstream.config(credits=0)
    responses = created(console)
    console.page.click("#start")
    console.wait_for_state("error")

    assert responses[0].status == 402
    assert console.alert() == responses[0].json()["error"]["message"]
    assert upstream.sessions() == []

    upstream.config(credits=5)
    console.page.get_by_role("button", name="Try again").click()
    console.wait_for_state("live")
    assert console.page.is_hidden("#alert")
    assert len(upstream.sessions()) == 1


def test_it_holds_start_back_for_as_long_as_kallglot_asks(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    upstream.fault("sessions.create", 429, "rate_limit_exceeded", retry_after=1, count=10)
    responses = created(console)
    console.page.click("#start")
    console.wait_for_state("error", timeout=15)  # after the server's own retries

    assert responses[0].status == 429
    wait_s = int(responses[0].headers["retry-after"])
    assert console.alert() == responses[0].json()["error"]["message"]
    assert console.page.is_disabled("#start")
    failed_at = time.monotonic()
    console.page.wait_for_selector("#start:enabled", timeout=(wait_s + 2) * 1000)
    assert time.monotonic() - failed_at >= wait_s - 0.3
