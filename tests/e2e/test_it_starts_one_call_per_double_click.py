"""An impatient double-click on Start creates one upstream session, not two."""

from __future__ import annotations

import pytest
from playwright.sync_api import Request

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_creates_one_session_for_a_double_click(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    creates: list[Request] = []
    console.page.on(
        "request",
        lambda request: creates.append(request) if request.url.endswith("/api/sessions") else None,
    )

    console.page.dblclick("#start")
    console.wait_for_state("live")

    assert len(creates) == 1
    assert creates[0].headers["idempotency-key"]
    assert len(upstream.sessions()) == 1
    assert console.page.is_disabled("#start")
