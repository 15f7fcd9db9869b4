"""A finished analysis that reaches the call's page by its socket stays shown when the slower
answer to the request ("processing") arrives after it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route

from sessions_app.models import SessionEvent
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e


def test_it_keeps_a_finished_analysis(console: ConsolePage, app_webhooks: SandboxControl) -> None:
    page = console.page
    page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]
    page.click("#end")
    console.wait_for_state("ended")
    ready = SessionEvent.objects.filter(session__public_id=session_id, kind="transcript.ready")
    poll(ready.exists, "transcript.ready")
    page.goto(f"{console.server.url}/sessions/{session_id}/")

    held: list[Route] = []
    page.route("**/analysis", lambda route: held.append(route))
    page.click("#analysis-request")
    poll(lambda: page.evaluate("() => true") and held, "the request for analysis")
    answer = held[0].fetch()
    assert answer.status == 202
    assert answer.json()["status"] == "processing"
    page.locator("#analyses .analysis--completed").wait_for()  # by the socket, first

    held[0].fulfill(response=answer)
    page.locator("#analysis-request:enabled").wait_for()  # the page has read the answer
    assert page.locator("#analyses .analysis").count() == 1
    assert page.locator("#analyses .analysis--completed").count() == 1
    assert console.errors == []
