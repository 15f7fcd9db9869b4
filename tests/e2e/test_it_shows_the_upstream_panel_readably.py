"""The admin index's Kallglot panel, in Chromium: each label on one line beside its figure
(Django's dashboard styles once squeezed them to a letter a line)."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession
from tests.e2e.pages import post_as, session_cookie

pytestmark = pytest.mark.e2e

LINES_PER_LABEL = """() => [...document.querySelectorAll("#upstream-panel th")].map((th) => {
  const range = document.createRange();
  range.selectNodeContents(th);
  return [th.textContent, range.getClientRects().length];
})"""


def test_each_label_is_one_line(browser, live_server_daphne, alice, charlie, upstream) -> None:
    # A call Kallglot no longer knows: the server's last error then fills a long line.
    gone = CallSession.objects.create(kallglot_id="sess_gone", agent=alice, mode="ai_agent")
    refused = post_as(alice, live_server_daphne, f"/api/sessions/{gone.public_id}/stream")
    assert refused.status_code == 404
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        context.add_cookies([session_cookie(charlie, live_server_daphne)])
        page = context.new_page()
        page.goto(f"{live_server_daphne.url}/admin/")

        assert "resource_not_found" in page.inner_text("#upstream-panel")
        labels = page.evaluate(LINES_PER_LABEL)
        assert [label for label, _ in labels][:3] == ["Mode", "API base", "Credits remaining"]
        assert all(lines == 1 for _, lines in labels), labels
    finally:
        context.close()
