"""The console in a CRM's cross-site iframe (docs/embedding.md), in real Chromium: a CRM page
on http://localhost:P1 frames the app on http://127.0.0.1:P2 through a signed link and drives
a call with the postMessage API; no other origin may frame it or talk to it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from sessions_app.models import CallSession
from tests.conftest import LiveServer, SandboxControl, free_port, start_daphne
from tests.e2e.conftest import TONE_HZ
from tests.e2e.crm import Crm
from tests.e2e.pages import poll

pytestmark = pytest.mark.e2e

SECRET = "embed-signing-secret-for-tests-only"
MESSAGES = "items => items.map((item) => JSON.parse(item.textContent))"
CALL = {"mode": "bidirectional_translation", "source_language": "en", "target_language": "es"}


@dataclass
class Sites:
    app: LiveServer
    crm: Crm  # allowed to frame the console
    other: Crm  # another origin of the same site, not allowed


@pytest.fixture(scope="module")
def sites(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    port = free_port()
    console_url = f"http://127.0.0.1:{port}"
    crm, other = Crm(console_url, SECRET), Crm(console_url, SECRET)
    app = start_daphne(
        tmp_path_factory.mktemp("embed"),
        port=port,
        EMBED_ALLOWED_ORIGINS=crm.origin,
        EMBED_SIGNING_SECRET=SECRET,
        CALL_PAGE_GRACE="2",
    )
    try:
        with crm.serving(), other.serving():
            yield Sites(app, crm, other)
    finally:
        app.stop()


@pytest.fixture
def upstream(sites: Sites) -> SandboxControl:
    control = SandboxControl(sites.app.sandbox_base)
    control.reset()
    return control


@dataclass
class HostPage:
    """The CRM page as a test sees it: what the console posted to it, and the console frame."""

    page: Page
    logged: list[str] = field(default_factory=list)

    def messages(self) -> list[dict[str, Any]]:
        return self.page.eval_on_selector_all("#messages li", MESSAGES)

    def wait_for(self, kind: str, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while not (found := [m for m in self.messages() if m["type"] == kind]):
            assert time.monotonic() < deadline, f"no {kind} message: {self.messages()}"
            time.sleep(0.05)
        return found[0]

    def send(self, message: dict[str, Any]) -> None:
        self.page.evaluate("(message) => window.sendToConsole(message)", message)

    @property
    def console(self) -> Frame:
        frame = self.page.locator("#kallglot").element_handle().content_frame()
        assert frame is not None
        return frame

    def console_state(self) -> str:
        return self.console.get_attribute("#console", "data-state")

    def frames_sent(self) -> int:
        return self.console.evaluate("() => window.kallglotConsole.framesSent")


@contextmanager
def open_crm(browser: Browser, url: str) -> Iterator[HostPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    host = HostPage(page)
    page.on("console", lambda message: host.logged.append(message.text))
    page.goto(url)
    try:
        yield host
    finally:
        context.close()


def test_a_crm_page_runs_a_call_through_the_console(
    browser: Browser, sites: Sites, upstream: SandboxControl, alice: object
) -> None:
    with open_crm(browser, f"{sites.crm.origin}/crm") as host:
        assert host.wait_for("ready")["user"] == {"username": "alice"}
        assert host.console.url.startswith(f"{sites.app.url}/?embed=1")
        context = {"external_call_id": "call-123", "ticket_id": "T-77", "crm_case": "C-1"}
        host.send({"type": "context", "metadata": context})
        host.send({"type": "start", **CALL})

        created = host.wait_for("session.created")["session"]
        started = host.wait_for("session.started")["session"]
        assert host.console_state() == "live"
        host.console.wait_for_selector("#captions li[data-speaker=agent][data-final=true]")
        host.send({"type": "end"})
        ended = host.wait_for("session.ended")
        assert host.console_state() == "ended"

        assert [m["type"] for m in host.messages()] == [
            "ready",
            "session.created",
            "session.started",
            "session.ended",
        ]
        assert {m["source"] for m in host.messages()} == {"kallglot-console"}
        assert {m["version"] for m in host.messages()} == {1}
        # The references belonged to that call: the next one has the CRM's next ones.
        assert host.console.input_value("#ticket-id") == ""

    session = CallSession.objects.get(public_id=created["id"])
    assert created == started == ended["session"]
    assert created == {
        "id": str(session.public_id),
        "kallglot_id": session.kallglot_id,
        "external_call_id": "call-123",
    }
    assert ended["reason"] == "explicit_end"
    assert session.metadata == context
    assert (session.source_language, session.target_language) == ("en", "es")
    assert session.status == "ended"
    audio = upstream.audio(session.kallglot_id)
    assert audio["invalid_frames"] == 0
    assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)


def test_a_crm_page_that_drops_the_console_mid_call_ends_the_call_after_the_grace(
    browser: Browser, sites: Sites, upstream: SandboxControl, alice: object
) -> None:
    with open_crm(browser, f"{sites.crm.origin}/crm") as host:
        host.wait_for("ready")
        host.send({"type": "start", **CALL})
        started = host.wait_for("session.started")["session"]

        host.page.evaluate("() => document.getElementById('kallglot').remove()")

        ended = poll(
            lambda: CallSession.objects.filter(public_id=started["id"], status="ended").first(),
            "the call ended once its console had been gone for CALL_PAGE_GRACE",
        )
    assert ended.end_reason == "console_closed"
    assert upstream.session(ended.kallglot_id)["status"] == "ended"


def test_an_origin_not_allowed_cannot_frame_the_console(
    browser: Browser, sites: Sites, upstream: SandboxControl, alice: object
) -> None:
    with open_crm(browser, f"{sites.other.origin}/crm") as host:
        host.page.wait_for_load_state("load")
        deadline = time.monotonic() + 5
        while not any("frame-ancestors" in text for text in host.logged):
            assert time.monotonic() < deadline, host.logged
            host.page.wait_for_timeout(50)
        assert host.console.query_selector("#console") is None
        host.send({"type": "start", **CALL})
        host.page.wait_for_timeout(500)
        assert host.messages() == []
    assert upstream.sessions() == []


def test_it_ignores_messages_from_anyone_but_the_crm_page(
    browser: Browser, sites: Sites, upstream: SandboxControl, alice: object
) -> None:
    strangers = (f"{sites.other.origin}/blank", f"{sites.crm.origin}/blank")
    query = "&".join(f"sibling={url}" for url in strangers)
    with open_crm(browser, f"{sites.crm.origin}/crm?{query}") as host:
        host.wait_for("ready")
        start = {"target": "kallglot-console", "version": 1, "type": "start", **CALL}
        # Another origin, and a window of the right origin that is not the console's parent.
        for frame in host.page.frames:
            if frame.url in strangers:
                frame.evaluate("(start) => window.parent.frames[0].postMessage(start, '*')", start)
        # The CRM page itself, but not in the documented shapes.
        for wrong in (
            {"type": "start", **CALL, "version": 2},
            {"type": "start", **CALL, "target": "someone-else"},
            {"type": "start", "mode": 1},
            {"type": "start", **CALL, "source_language": 7},
            {"type": "start", **CALL, "metadata": {"ticket_id": 77}},
            {"type": "start", **CALL, "metadata": ["T-77"]},
            {"type": "constructor", **CALL},
            {"type": "context", "metadata": None},
        ):
            host.send(wrong)
        host.page.evaluate("() => frames[0].postMessage(JSON.stringify({type: 'start'}), '*')")

        host.page.wait_for_timeout(1000)  # long enough for a call to begin starting
        assert host.console_state() == "idle"
        assert [m["type"] for m in host.messages()] == ["ready"]
        assert upstream.sessions() == []

        host.send({"type": "start", **CALL})  # the same command from the CRM page: obeyed
        host.wait_for("session.created")
        host.send({"type": "end"})
        host.wait_for("session.ended")
    assert len(upstream.sessions()) == 1


def test_it_shows_the_crm_page_why_a_start_was_refused(
    browser: Browser, sites: Sites, upstream: SandboxControl, alice: object
) -> None:
    with open_crm(browser, f"{sites.crm.origin}/crm") as host:
        host.wait_for("ready")
        host.send({"type": "start", **CALL, "target_language": "xx"})

        error = host.wait_for("error")
        assert error["code"] == "invalid_language"
        assert error["message"] == "'xx' is not a language we offer."
        assert host.console.inner_text("#alert") == error["message"]
        assert host.console_state() == "error"
    assert upstream.sessions() == []
