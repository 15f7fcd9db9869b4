"""A supervisor's live board in real Chromium while a customer dials the centre's Twilio number
(the sandbox's Twilio stand-in): the queue's row counts the call waiting and its wait ticks,
the call is on the board without an agent, and the agent at their desk is shown Available;
once they accept it, their row says On a call, the queue is empty and the call is theirs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator

from sessions_app.models import QueuedCall
from tests.conftest import SandboxControl
from tests.e2e.pages import BoardPage, poll
from tests.live_agents import signed_in
from tests.telephony.inbound import Desk, at_desk, make_queue, ring

pytestmark = pytest.mark.e2e


@dataclass
class DeskInThread:
    """An agent's console socket (`Desk`) run in a thread of its own: Playwright's event loop
    runs in the test's."""

    desk: Desk
    thread: ThreadPoolExecutor

    def offer(self) -> dict:
        return self.thread.submit(self.desk.offer).result()

    def accept(self, offer: dict) -> int:
        return self.desk.client.post(f"/api/offers/{offer['id']}/accept").status_code


@pytest.fixture
def desk(live_server_daphne, alice, upstream: SandboxControl) -> Iterator[DeskInThread]:
    """Alice at her desk: Available, speaking the queue's language, her console open."""
    at_desk(alice, languages="en,de")
    client = signed_in(live_server_daphne, alice)
    with ThreadPoolExecutor(max_workers=1) as thread:
        opened = thread.submit(lambda: Desk(live_server_daphne, client).open()).result()
        yield DeskInThread(opened, thread)
        thread.submit(opened.close).result()


def cells(row: Locator) -> list[str]:
    return row.locator("th, td").all_inner_texts()


def test_it_shows_queues_on_the_board(
    board: BoardPage, desk: DeskInThread, live_server_daphne
) -> None:
    make_queue(ring_seconds=60)
    agent = board.page.locator("#agent-rows tr[data-agent=alice]")
    poll(lambda: agent.count() and cells(agent)[4] == "open", "alice to be shown at her desk")
    assert cells(agent)[1] == "Available"
    assert cells(agent)[3] == "en, de"

    placed = ring(live_server_daphne)
    queue = board.page.locator("#queue-rows tr", has_text="German line")
    poll(lambda: queue.count() and cells(queue)[1] == "1", "the queue to count the call")
    assert_it_ticks(queue.locator("td").nth(1))
    session = QueuedCall.objects.select_related("session").get(call_sid=placed["call_sid"]).session
    call = board.row(str(session.public_id))
    call.wait_for()
    assert cells(call)[:2] == ["—", "waiting"]

    assert desk.accept(desk.offer()) == 200

    poll(lambda: cells(agent)[1] == "On a call", "alice's row to say she is on a call")
    poll(lambda: cells(queue)[1] == "0", "the queue to be empty")
    assert cells(queue)[2] == "—"
    poll(lambda: cells(call)[0] == "alice", "the call to be alice's")
    assert board.errors == []
    desk.desk.client.post(f"/api/sessions/{session.public_id}/end")


def assert_it_ticks(cell: Locator) -> None:
    first = cell.inner_text()
    assert re.fullmatch(r"\d+:\d\d", first)
    poll(lambda: cell.inner_text() != first, "the longest wait to tick")
