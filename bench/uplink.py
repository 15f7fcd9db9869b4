"""Uplink: bytes per second of audio the console sends during a call (µ-law 8 kHz, base64,
JSON), measured in headless Chromium with a fake microphone, against its own app server."""

from __future__ import annotations

import os
import time
import wave
from pathlib import Path

import harness
import numpy as np
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
WINDOW_S = 10.0
TARGET_BYTES_PER_S = 12 * 1024
FIGURES = """() => ({ at: performance.now(), bytes: window.kallglotConsole.bytesSent,
  frames: window.kallglotConsole.framesSent })"""


def microphone(path: Path, seconds: float = WINDOW_S + 4, rate: int = 48_000) -> Path:
    """Speech-like tone bursts (the sandbox answers them), ending on silence (%noloop)."""
    t = np.arange(int(seconds * rate)) / rate
    bursts = (t % 2.0) < 1.2
    pcm = 0.25 * np.sin(2 * np.pi * 440 * t) * bursts
    pcm[-rate:] = 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((pcm * 32767).astype("<i2").tobytes())
    return path


def wait_for_state(page: Page, state: str, timeout_s: float = 15) -> None:
    page.wait_for_selector(f"#console[data-state={state}]", timeout=timeout_s * 1000)


def call(server: harness.Server, wav: Path) -> tuple[dict, dict]:
    """Figures at the start and end of a WINDOW_S stretch of a live call."""
    cookie = harness.signed_in(server, "bench-agent").cookies["sessionid"]
    with sync_playwright() as pw:
        microphone_file = f"--use-file-for-fake-audio-capture={wav}%noloop"
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, microphone_file])
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
        page = context.new_page()
        page.goto(f"{server.url}/")
        wait_for_state(page, "idle")
        page.click("#start")
        wait_for_state(page, "live")
        while page.evaluate(FIGURES)["frames"] < 2:  # sending has settled in
            time.sleep(0.05)
        first = page.evaluate(FIGURES)
        time.sleep(WINDOW_S)
        last = page.evaluate(FIGURES)
        page.click("#end")
        wait_for_state(page, "ended")
        browser.close()
    return first, last


def measure() -> None:
    wav = microphone(harness.WORKDIR / "uplink-mic.wav")
    server = harness.start()
    try:
        first, last = call(server, wav)
    finally:
        server.stop()
    rate = (last["bytes"] - first["bytes"]) / ((last["at"] - first["at"]) / 1000)
    per_frame = (last["bytes"] - first["bytes"]) / (last["frames"] - first["frames"])
    value = f"{rate / 1024:.2f} KB/s ({per_frame:.0f} B/frame)"
    ok = rate <= TARGET_BYTES_PER_S
    harness.report("uplink: audio bytes per second sent by the page", value, "<= 12 KB/s", ok)


if __name__ == "__main__":
    harness.setup_django()
    harness.make_user("bench-agent")
    measure()
