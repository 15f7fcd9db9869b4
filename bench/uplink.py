"""Uplink: bytes per second of audio the console sends during a call (µ-law 8 kHz, base64, in
JSON), in Chromium with a fake microphone, against the floor every encoding of this audio
pays: its base64, 8,000 bytes a second as 10,667."""

from __future__ import annotations

import time

import browser
import harness
from playwright.sync_api import Page

WINDOW_S = 10.0
BASE64_MULAW_8KHZ = 8000 * 4 / 3  # bytes per second
USER = "bench-uplink"
FIGURES = """() => ({ at: performance.now(), bytes: window.kallglotConsole.bytesSent,
  frames: window.kallglotConsole.framesSent })"""


def measure() -> None:
    harness.make_user(USER)
    microphone = browser.speech_like(harness.WORKDIR / "uplink-mic.wav", WINDOW_S + 4)
    server = harness.start()
    try:
        with browser.chromium(microphone) as chromium:
            first, last = call(browser.signed_in(chromium, server, USER).new_page(), server)
    finally:
        server.stop()
    rate = (last["bytes"] - first["bytes"]) / ((last["at"] - first["at"]) / 1000)
    per_frame = (last["bytes"] - first["bytes"]) / (last["frames"] - first["frames"])
    harness.compare("uplink: audio bytes per second the page sends", rate, BASE64_MULAW_8KHZ,
                    "B/s", 1.15)  # fmt: skip
    harness.inform("per 160 ms frame", f"{per_frame:.0f} B")


def call(page: Page, server: harness.Server) -> tuple[dict, dict]:
    """The page's counters at the start and end of a WINDOW_S stretch of a live call."""
    page.goto(f"{server.url}/")
    page.wait_for_selector("#console[data-state=idle]")
    page.click("#start")
    page.wait_for_selector("#console[data-state=live]", timeout=15_000)
    while page.evaluate(FIGURES)["frames"] < 2:  # sending has settled in
        time.sleep(0.05)
    first = page.evaluate(FIGURES)
    time.sleep(WINDOW_S)
    last = page.evaluate(FIGURES)
    page.click("#end")
    page.wait_for_selector("#console[data-state=ended]")
    return first, last


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
