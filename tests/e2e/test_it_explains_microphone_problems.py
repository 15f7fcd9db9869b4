"""A microphone the agent can't use stops the call before any session is created upstream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright

from tests.conftest import LiveServer, SandboxControl
from tests.e2e.pages import ConsolePage, launch, open_console

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser_denying_the_mic(playwright: Playwright) -> Iterator[Browser]:
    """No fake permission prompt and no granted permission: getUserMedia → NotAllowedError."""
    browser = launch(playwright, "--use-fake-device-for-media-stream")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def browser_without_a_mic(playwright: Playwright) -> Iterator[Browser]:
    """Permission granted, but no capture device at all: getUserMedia → NotFoundError."""
    browser = launch(playwright, "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


def start_and_expect_error(console: ConsolePage) -> str:
    console.page.click("#start")
    console.wait_for_state("error")
    assert console.page.locator("#state-label").inner_text() == "Problem"
    return console.alert()


def test_it_explains_a_denied_microphone(
    browser_denying_the_mic: Browser,
    live_server_daphne: LiveServer,
    alice: object,
    upstream: SandboxControl,
) -> None:
    with open_console(browser_denying_the_mic, live_server_daphne, alice) as console:
        message = start_and_expect_error(console)
        assert message.startswith("Microphone access is blocked.")
        assert console.page.get_by_role("button", name="Try again").is_enabled()
    assert upstream.sessions() == []


def test_it_explains_a_missing_microphone(
    browser_without_a_mic: Browser,
    live_server_daphne: LiveServer,
    alice: object,
    upstream: SandboxControl,
) -> None:
    with open_console(browser_without_a_mic, live_server_daphne, alice) as console:
        message = start_and_expect_error(console)
        assert message.startswith("No microphone was found.")
    assert upstream.sessions() == []
