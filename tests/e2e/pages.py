"""The console as a test sees it: its state, its counters and its captions.

The page exposes `data-state` on #console and read-only counters on `window.kallglotConsole`.
The strict CSP blocks `page.wait_for_function` (it evaluates strings), so waits poll
`page.evaluate` or use selectors.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.test import Client
from playwright.sync_api import Browser, Locator, Page, Playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HEADLESS_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FRAME_S = 0.16  # one audio.input frame
# How many lines an element's text is laid out on (a label squeezed to a letter a line: many).
LINES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return range.getClientRects().length;
}"""


def launch(playwright: Playwright, *args: str) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*HEADLESS_ARGS, *args])


def session_cookie(user: Any, server: LiveServer) -> dict[str, str]:
    """Signs `user` in through Django's test client; the browser borrows the session.

    The password is not checked again (~0.35 s a check): the sign-in page has its own tests
    (test_it_signs_agents_in.py)."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}


@contextmanager
def signed_in_page(
    browser: Browser, server: LiveServer, user: Any, width: int = 1280, height: int = 800
) -> Iterator[Page]:
    """A page in a fresh browser context of `width` x `height`, signed in as `user`."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.add_cookies([session_cookie(user, server)])
    try:
        yield context.new_page()
    finally:
        context.close()


def post_as(user: Any, server: LiveServer, path: str) -> httpx.Response:
    """A JSON POST to the live server as `user`, with its session and CSRF token."""
    with httpx.Client(base_url=server.url, timeout=15) as http:
        http.cookies.set("sessionid", session_cookie(user, server)["value"])
        http.get("/accounts/login/").raise_for_status()  # sets the csrftoken cookie
        return http.post(path, json={}, headers={"X-CSRFToken": http.cookies["csrftoken"]})


def poll(check: Callable[[], Any], what: str, timeout: float = 15) -> Any:
    """`check()`'s first truthy result; fails the test after `timeout` seconds.

    Sync Playwright delivers page events only inside its own calls: to wait for one, make
    `check` call the page (e.g. `page.evaluate`).
    """
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


@dataclass
class ConsolePage:
    page: Page
    server: LiveServer
    errors: list[str] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        return self.page.evaluate("() => ({ ...window.kallglotConsole })")

    def state(self) -> str:
        return self.page.get_attribute("#console", "data-state")

    def wait_for_state(self, state: str, timeout: float = 10) -> None:
        try:
            self.page.wait_for_selector(f"#console[data-state={state}]", timeout=timeout * 1000)
        except PlaywrightTimeoutError:
            raise AssertionError(f"never {state}: {self.describe()}") from None

    def describe(self) -> str:
        """What the agent sees, for failure messages."""
        status = self.page.locator(".callstate").inner_text()
        return f"{status!r}, alert {self.alert()!r}, page errors {self.errors}"

    def wait_until(
        self, check: Callable[[dict[str, Any]], bool], what: str, timeout: float = 10
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if check(stats):
                return stats
            assert time.monotonic() < deadline, f"timed out waiting for {what}: {stats}"
            time.sleep(0.05)

    def final_caption(self, speaker: str, timeout: float = 15) -> dict[str, str]:
        """The first final caption of `speaker` that carries a translation."""
        item = f"#captions li[data-speaker={speaker}][data-final=true]"
        self.page.wait_for_selector(f"{item} .caption__translation", timeout=timeout * 1000)
        caption = self.page.locator(item).first
        original = caption.locator(".caption__text")
        translation = caption.locator(".caption__translation [lang]")
        return {
            "text": original.inner_text(),
            "language": original.get_attribute("lang"),
            "translation": translation.inner_text(),
            "translation_language": translation.get_attribute("lang"),
        }

    def alert(self) -> str:
        return self.page.locator("#alert").inner_text()


@contextmanager
def open_console(browser: Browser, server: LiveServer, user: Any) -> Iterator[ConsolePage]:
    """A fresh browser context signed in as `user`, on the idle console."""
    with signed_in_page(browser, server, user) as page:
        console = ConsolePage(page, server)
        page.on("pageerror", lambda error: console.errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                console.errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.goto(f"{server.url}/")
        console.wait_for_state("idle")
        yield console


@dataclass
class BoardPage:
    """A supervisor's live board and every message its socket received."""

    page: Page
    messages: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def row(self, session_id: str) -> Locator:
        return self.page.locator(f"#board-rows tr[data-session='{session_id}']")

    def received(self, kind: str, session_id: str) -> bool:
        """Whether an event of `kind` for the call has reached the board (pumps page events)."""
        self.page.evaluate("() => null")
        return any(
            m.get("kind") == kind and m.get("session_id") == session_id for m in self.messages
        )


@contextmanager
def open_board(browser: Browser, server: LiveServer, user: Any) -> Iterator[BoardPage]:
    """A fresh browser context signed in as `user`, on the live board, connected."""
    with signed_in_page(browser, server, user) as page:
        board = BoardPage(page)
        page.on("pageerror", lambda error: board.errors.append(str(error)))
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived", lambda frame: board.messages.append(json.loads(frame))
            ),
        )
        page.goto(f"{server.url}/supervisor/")
        page.locator("#board[data-state=live]").wait_for()
        yield board
