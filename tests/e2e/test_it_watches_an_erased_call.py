"""A supervisor watching a live call whose customer's data was erased sees where its captions
were, never their text (nor a stand-in such as "undefined")."""

from __future__ import annotations

import pytest

from sessions_app import privacy
from sessions_app.models import CallSession, SessionEvent
from tests.e2e.pages import BoardPage

pytestmark = pytest.mark.e2e

SAID = "Mi PIN es 4417-zebra"


@pytest.fixture
def erased_call(alice: object, charlie: object) -> CallSession:
    """A live call with a caption, erased before the board opens."""
    call = CallSession.objects.create(
        kallglot_id="sess_ERASEDLIVE",
        agent=alice,
        mode="bidirectional_translation",
        status="active",
        last_event_seq=1,
        metadata={"customer_id": "cust-live-1"},
    )
    caption = {"sequence": 1, "speaker": "customer", "language": "es", "text": SAID}
    SessionEvent.objects.create(session=call, seq=1, kind="transcript.segment", data=caption)
    privacy.erase_customer(customer_id="cust-live-1", actor=charlie)
    return call


def test_it_watches_an_erased_call(erased_call: CallSession, board: BoardPage) -> None:
    row = board.row(str(erased_call.public_id))
    row.wait_for()

    row.get_by_role("button", name="Watch captions").click()
    caption = board.page.locator("#watch-captions .turn--customer")
    caption.wait_for()

    assert caption.locator(".turn__who").inner_text() == "customer (es)"
    assert caption.locator(".turn__text").inner_text() == ""
    assert SAID not in board.page.content()
    assert board.errors == []
