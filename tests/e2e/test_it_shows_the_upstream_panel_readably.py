"""The admin index's Kallglot panel, in Chromium: each label on one line beside its figure
(Django's dashboard styles once squeezed them to a letter a line)."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession
from tests.e2e.pages import LINES, post_as, signed_in_page

pytestmark = pytest.mark.e2e


def test_each_label_is_one_line(browser, live_server_daphne, alice, charlie, upstream) -> None:
    # A call Kallglot no longer knows: the server's last error then fills a long line.
    gone = CallSession.objects.create(kallglot_id="sess_gone", agent=alice, mode="ai_agent")
    refused = post_as(alice, live_server_daphne, f"/api/sessions/{gone.public_id}/stream")
    assert refused.status_code == 409  # closed here: Kallglot answered 404
    with signed_in_page(browser, live_server_daphne, charlie) as page:
        page.goto(f"{live_server_daphne.url}/admin/")

        assert "resource_not_found" in page.inner_text("#upstream-panel")
        headings = page.locator("#upstream-panel th").all()
        labels = [(th.inner_text(), th.evaluate(LINES)) for th in headings]
        assert [label for label, _ in labels][:3] == ["Mode", "API base", "Credits remaining"]
        assert all(lines == 1 for _, lines in labels), labels
