"""Every page an agent or a supervisor uses passes axe-core with no serious or critical
violation: sign-in, the console (idle, live, ended), History, a call's page, the live board,
and the admin (its index, the calls, a call).

axe-core is vendored for the tests only (tests/e2e/vendor/README.md). Its script is injected
into the page, which the app's strict CSP forbids: the scanning contexts below, and only
these, bypass the CSP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page

from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import LiveServer
from tests.e2e.pages import session_cookie

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
  }));
}"""


@contextmanager
def scanning_page(
    browser: Browser, server: LiveServer, user: Any = None, width: int = 1280
) -> Iterator[Page]:
    """A page whose CSP lets axe's injected script run; signed in as `user` if given."""
    # Reduced motion: a caption fading in is scanned as it stays, not half-way (a contrast of
    # colours still blended with the background).
    context = browser.new_context(
        viewport={"width": width, "height": 800}, bypass_csp=True, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    if user is not None:
        context.add_cookies([session_cookie(user, server)])
    try:
        yield context.new_page()
    finally:
        context.close()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


def readable(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core on {where}:"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"      {node['target']}: {summary}")
    return "\n".join(lines)


def assert_passes(page: Page, where: str) -> None:
    violations = serious_violations(page)
    if violations:
        pytest.fail(readable(where, violations), pytrace=False)


def test_sign_in_history_a_call_and_the_board(browser, live_server_daphne, alice, charlie):
    call = with_transcript(ended_call(alice, metadata={"ticket_id": "T-7"}))
    with scanning_page(browser, live_server_daphne) as page:
        page.goto(f"{live_server_daphne.url}/accounts/login/")
        assert_passes(page, "the sign-in page")
    with scanning_page(browser, live_server_daphne, alice) as page:
        page.goto(f"{live_server_daphne.url}/sessions/")
        assert_passes(page, "History")
        page.goto(f"{live_server_daphne.url}/sessions/{call.public_id}/")
        page.locator("#turns .turn").first.wait_for()
        assert_passes(page, "a call's page")
    with scanning_page(browser, live_server_daphne, charlie) as page:
        page.goto(f"{live_server_daphne.url}/supervisor/")
        page.locator("#board[data-state=live]").wait_for()
        assert_passes(page, "the live board")


def test_the_console_idle_live_and_ended(browser, live_server_daphne, alice, upstream):
    with scanning_page(browser, live_server_daphne, alice) as page:
        page.goto(f"{live_server_daphne.url}/")
        page.locator("#console[data-state=idle]").wait_for()
        assert_passes(page, "the console, idle")

        page.click("#start")
        page.locator("#console[data-state=live]").wait_for()
        page.locator("#captions li[data-final=true]").first.wait_for()
        assert_passes(page, "the console, live")

        page.click("#end")
        page.locator("#console[data-state=ended]").wait_for()
        assert_passes(page, "the console, ended")


def test_the_admin(browser, live_server_daphne, alice):
    # The supervisors' permissions come from a migration, which emptied tables no longer hold.
    root = get_user_model().objects.create_superuser("root", password="root-pass-123456")
    # A call left to detect its languages: the language filters list it as such.
    ended_call(alice, source_language="", target_language="")
    call = ended_call(alice, metadata={"customer_id": "C-1"})
    with scanning_page(browser, live_server_daphne, root) as page:
        page.goto(f"{live_server_daphne.url}/admin/")
        assert_passes(page, "the admin's index")
        page.goto(f"{live_server_daphne.url}/admin/sessions_app/callsession/")
        page.locator("#changelist-filter").wait_for()
        assert_passes(page, "the admin's calls")
        page.goto(f"{live_server_daphne.url}/admin/sessions_app/callsession/{call.pk}/change/")
        assert_passes(page, "the admin's page of a call")
