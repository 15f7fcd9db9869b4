"""Headless Chromium (the machine's, never a downloaded one) with a fake microphone."""

from __future__ import annotations

import os
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import harness
import numpy as np
from playwright.sync_api import Browser, BrowserContext, sync_playwright

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
# Marks, in the page's own clock, the Start click, the stream's first `session.ready` and
# the first `audio.input` sent: the same for the console and for the bare page.
MARKS = """(() => {
  const marks = (window.benchMarks = {});
  const mark = (name) => marks[name] || (marks[name] = performance.now());
  document.addEventListener("click", (event) => event.target.id === "start" && mark("click"), true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", ({ data }) => {
        if (typeof data === "string" && data.includes('"session.ready"')) mark("ready");
      });
    }
    send(data) {
      if (typeof data === "string" && data.includes('"audio.input"')) mark("audio");
      super.send(data);
    }
  };
})();"""


@contextmanager
def chromium(microphone: Path | None = None) -> Iterator[Browser]:
    """The browser; its fake microphone plays `microphone` once, or beeps without one."""
    args = [*ARGS]
    if microphone:
        args.append(f"--use-file-for-fake-audio-capture={microphone}%noloop")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(browser: Browser, server: harness.Server, username: str) -> BrowserContext:
    """A browser context with `username`'s sign-in cookie for `server`."""
    cookie = harness.signed_in(server, username).cookies["sessionid"]
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
    return context


def speech_like(path: Path, seconds: float, rate: int = 48_000) -> Path:
    """Tone bursts the sandbox answers as speech, ending on a second of silence."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = 0.25 * np.sin(2 * np.pi * 440 * t) * ((t % 2.0) < 1.2)
    pcm[-rate:] = 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((pcm * 32767).astype("<i2").tobytes())
    return path
