"""Click to live: Start clicked until the page is live, the console against a bare page.

Live is the stream's `session.ready` received and the first `audio.input` sent; the figure
is the second, which comes after the first. Both pages run in the same Chromium with its fake
microphone, against the same sandbox (a process of its own, as Kallglot would be): the
console through the app (`POST /api/sessions`, the status socket, the page's state machine),
the bare page (`bare_console.py`) through nothing but the console's own microphone and
stream modules and one forwarded create. Runs alternate between the two pages; each opens a
fresh page and clicks once.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import browser
import harness
from playwright.sync_api import BrowserContext, Page

RUNS = 16  # the first audio.input waits for the next 160 ms frame: a noisy figure
WARMUP = 2
USER = "bench-live"  # an agent of its own: the console lists an agent's open calls


def measure() -> None:
    harness.make_user(USER)
    app, sandbox = harness.start_with_own_sandbox()
    bare = harness.start_floor("bare_console", **harness.sandbox_env(sandbox))
    try:
        marks = run(app, bare)
    finally:
        harness.stop(app, sandbox, bare)
    audio, ready = after_click(marks, "audio"), after_click(marks, "ready")
    harness.compare(f"click to live, median of {RUNS}", audio["console"], audio["bare"], "ms", 1.2)
    detail = f"console {ready['console']:.0f} ms, bare {ready['bare']:.0f} ms"
    harness.inform("of it, Start until session.ready", detail)


def after_click(marks: dict[str, list[dict]], name: str) -> dict[str, float]:
    """Each side's median time (ms) from the Start click to mark `name`."""
    return {
        side: harness.median([m[name] - m["click"] for m in runs]) for side, runs in marks.items()
    }


def run(app: harness.Server, bare: harness.Server) -> dict[str, list[dict]]:
    marks: dict[str, list[dict]] = {"console": [], "bare": []}
    with browser.chromium() as chromium:
        console = browser.signed_in(chromium, app, USER)
        plain = chromium.new_context()
        for context in (console, plain):
            context.add_init_script(browser.MARKS)
        sides = [
            ("console", lambda: console_live(console, app)),
            ("bare", lambda: bare_live(plain, bare)),
        ]
        for i in range(WARMUP + RUNS):
            for side, live in sides[:: 1 if i % 2 else -1]:
                result = live()
                if i >= WARMUP:
                    marks[side].append(result)
    return marks


def console_live(context: BrowserContext, app: harness.Server) -> dict:
    page = context.new_page()
    page.goto(f"{app.url}/")
    page.wait_for_selector("#console[data-state=idle]")
    page.select_option("#mode", harness.CREATE_BODY["mode"])
    page.select_option("#source-language", harness.CREATE_BODY["source_language"])
    page.select_option("#target-language", harness.CREATE_BODY["target_language"])
    marks = click_to_live(page)
    page.click("#end")  # so the next console lists no open call
    page.wait_for_selector("#console[data-state=ended]")
    close(page)
    return marks


def bare_live(context: BrowserContext, bare: harness.Server) -> dict:
    page = context.new_page()
    page.goto(f"{bare.url}/?{urlencode(harness.CREATE_BODY)}")
    page.wait_for_selector("#start:not([disabled])")
    marks = click_to_live(page)
    close(page)
    return marks


def click_to_live(page: Page) -> dict:
    page.click("#start")
    page.wait_for_function("() => window.benchMarks.audio", timeout=20_000)
    return page.evaluate("window.benchMarks")


def close(page: Page) -> None:
    page.close()
    time.sleep(0.3)  # the servers settle (ended calls, their webhooks) before the next run


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
