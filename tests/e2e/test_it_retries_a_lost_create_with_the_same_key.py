"""When the answer to Start is lost, the page asks again with the same Idempotency-Key, so
the session the server did create is the one the call uses, and no second one is made."""

from __future__ import annotations

import pytest
from playwright.sync_api import Request, Route

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_reuses_the_key_when_the_answer_is_lost(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    sent: list[Request] = []

    def lose_first_answer(route: Route) -> None:
        sent.append(route.request)
        if len(sent) == 1:
            route.fetch()  # the server creates the session...
            route.abort("connectionreset")  # ...but the page never hears back
        else:
            route.continue_()

    console.page.route(lambda url: url.endswith("/api/sessions"), lose_first_answer)
    console.page.click("#start")
    console.wait_for_state("live")

    keys = [request.headers["idempotency-key"] for request in sent]
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert len(upstream.sessions()) == 1
    assert console.final_caption("agent")["translation"]
