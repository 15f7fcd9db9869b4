"""An agent who leaves the console before Start is answered ends the call once its create
finishes: no page knows the call, and upstream would keep it open until its idle timeout.
(A call that went live outlives its page: test_it_takes_a_live_call_back.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e


def leave(dialog: Dialog) -> None:
    dialog.accept()  # "Leave page"


def test_it_ends_the_call_when_the_agent_leaves_before_start_is_answered(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    upstream.fault("sessions.create", 0, latency_ms=2000)
    console.page.on("dialog", leave)
    with console.page.expect_request("**/api/sessions"):
        console.page.click("#start")

    console.page.goto(f"{console.server.url}/sessions/")

    call = poll(
        lambda: CallSession.objects.filter(status="ended").first(),
        "the call of the unanswered Start ended once its create finished",
    )
    assert call.idempotency_key
    assert upstream.session(call.kallglot_id)["status"] == "ended"
