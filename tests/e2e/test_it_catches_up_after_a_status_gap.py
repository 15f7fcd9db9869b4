"""Events that happen while the status socket is down reach the timeline once it is back:
each exactly once, in seq order (status-socket.js resumes after its last seq)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import WebSocketRoute

from sessions_app.models import SessionEvent
from tests.conftest import LiveServer, SandboxControl
from tests.e2e.pages import ConsolePage, post_as

pytestmark = pytest.mark.e2e

SEQS = """() => [...document.querySelectorAll("#call-timeline li")].map(
  (item) => [Number(item.dataset.seq), item.dataset.kind])"""
AFTER_THE_CALL = ("session.ended", "transcript.ready", "recording.ready")


class StatusLink:
    """The page's status sockets, passed through to the server until cut."""

    def __init__(self) -> None:
        self.cut = False
        self.open: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        self.refused = 0

    def route(self, page_side: WebSocketRoute) -> None:
        if self.cut:
            self.refused += 1
            page_side.close(code=4000, reason="network down")
            return
        self.open.append((page_side, page_side.connect_to_server()))

    def cut_now(self) -> None:
        self.cut = True
        for page_side, server_side in self.open:
            server_side.close()
            page_side.close(code=4000, reason="network down")
        self.open.clear()


def test_it_catches_up_after_a_status_gap(
    console: ConsolePage, upstream: SandboxControl, live_server_daphne: LiveServer, alice: object
) -> None:
    upstream.config(webhook_url=f"{live_server_daphne.url}/webhooks/kallglot")
    link = StatusLink()
    console.page.route_web_socket(lambda url: "/ws/sessions/" in url, link.route)
    console.page.click("#start")
    console.wait_for_state("live")
    console.page.wait_for_selector("#call-timeline li[data-kind='session.started']")
    session_id = console.stats()["sessionId"]
    events = SessionEvent.objects.filter(session__public_id=session_id)

    link.cut_now()
    console.wait_until(lambda s: s["statusSocket"] == "reconnecting", "the page to notice")
    assert post_as(alice, console.server, f"/api/sessions/{session_id}/end").status_code == 200
    deadline = time.monotonic() + 15
    # Both: every after-call event stored, and the page refused at least once meanwhile (its
    # first retry waits up to 0.5 s, full jitter, and the events can all land before it).
    while events.filter(kind__in=AFTER_THE_CALL).count() < len(AFTER_THE_CALL) or not link.refused:
        assert time.monotonic() < deadline, (
            link.refused,
            list(events.values_list("kind", flat=True)),
        )
        console.stats()  # lets Playwright refuse the page's reconnect attempts meanwhile
        time.sleep(0.05)
    missed = [kind for _, kind in console.page.evaluate(SEQS) if kind in AFTER_THE_CALL]
    assert missed == []

    link.cut = False
    last = events.order_by("seq").last().seq
    console.wait_until(lambda s: s["lastEventSeq"] == last, "the page to catch up", 10)
    shown = console.page.evaluate(SEQS)
    expected = events.exclude(kind="transcript.segment").exclude(kind__startswith="action.")
    assert [tuple(item) for item in shown] == list(
        expected.order_by("seq").values_list("seq", "kind")
    )
    kinds = [kind for _, kind in shown]
    assert all(kinds.count(kind) == 1 for kind in ("session.created", *AFTER_THE_CALL)), kinds
    assert console.stats()["statusSocket"] == "open"
