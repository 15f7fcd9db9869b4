"""No recording runs script on the app's origin, whatever the upstream serves as its audio.

The app runs as deployed against a live Kallglot (sandbox off), and what answers as Kallglot
is hostile (tests/hostile_upstream.py): its "recordings" are scripts and HTML pages. The
console's CSP allows scripts from 'self', and /recordings/<id>/audio is 'self'.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Browser, Download, Page
from playwright.sync_api import Error as PlaywrightError

from sessions_app.models import CallSession, Recording
from tests.aftercall.factories import ended_call
from tests.conftest import LiveServer
from tests.e2e.pages import poll, signed_in_page
from tests.hostile_upstream import HostileUpstream

pytestmark = pytest.mark.e2e

SCRIPT = b"window.pwned = 'ran'; document.title = 'pwned'; console.log('pwned');"
SCRIPT_TYPES = [
    b"application/javascript",
    b"text/javascript; charset=utf-8",
    b"image/svg+xml",
    b"text/html",
    None,
]
LOAD_SCRIPT = """src => new Promise(resolve => {
  const script = document.createElement("script");
  script.src = src;
  script.onload = () => resolve("ran");
  script.onerror = () => resolve("refused");
  document.head.append(script);
})"""


def hostile_recording(
    hostile: HostileUpstream, call: CallSession, content_type: bytes | None, body: bytes
) -> str:
    """The app's URL of a recording the upstream serves as `body`, typed `content_type`."""
    fake = hostile.add(call.kallglot_id, content_type=content_type, body=body)
    recording = Recording.objects.create(
        kallglot_id=fake.kallglot_id, session=call, status="ready", format="wav"
    )
    return f"/recordings/{recording.public_id}/audio"


def page_state(page: Page) -> dict:
    return page.evaluate("() => ({ pwned: window.pwned ?? null, title: document.title })")


def test_a_recording_included_as_a_script_never_runs(
    browser: Browser, hostile_app: LiveServer, hostile: HostileUpstream, alice: object
) -> None:
    call = ended_call(alice)
    urls = [hostile_recording(hostile, call, kind, SCRIPT) for kind in SCRIPT_TYPES]

    with signed_in_page(browser, hostile_app, alice) as page:
        logged: list[str] = []
        page.on("console", lambda message: logged.append(message.text))
        page.goto(f"{hostile_app.url}/sessions/")
        title = page.title()
        outcomes = {url: page.evaluate(LOAD_SCRIPT, url) for url in urls}

        assert outcomes == dict.fromkeys(urls, "refused")
        assert page_state(page) == {"pwned": None, "title": title}
    assert "pwned" not in logged
    assert len(hostile.requests) == len(urls)


def test_a_recording_opened_as_a_page_never_runs_its_scripts(
    browser: Browser, hostile_app: LiveServer, hostile: HostileUpstream, alice: object
) -> None:
    call = ended_call(alice)
    script = hostile_recording(hostile, call, b"application/javascript", SCRIPT)
    html = f'<!doctype html><title>recording</title><script src="{script}"></script>'
    page_url = hostile_recording(hostile, call, b"text/html", html.encode())

    with signed_in_page(browser, hostile_app, alice) as page:
        downloads: list[Download] = []
        page.on("download", lambda download: downloads.append(download))
        page.goto(f"{hostile_app.url}/sessions/")
        title = page.title()
        # Served as a download, the recording ends the navigation with an error.
        with contextlib.suppress(PlaywrightError):
            page.goto(f"{hostile_app.url}{page_url}")

        assert page_state(page) == {"pwned": None, "title": title}
        download = poll(lambda: page_state(page) and downloads, "the recording's download")
    assert [d.suggested_filename for d in download] == [f"recording-{call.kallglot_id}.wav"]
