"""The board socket sends the queues and the agents on connect and whenever they change, and
with them the open calls: an inbound call waiting in its queue has no agent, and the agent
who accepts it is on its row with that change (an accept records no event of the call)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from sessions_app import relay
from sessions_app.models import CallSession, QueuedCall
from tests.supervisors.test_board_socket import board
from tests.telephony.inbound import at_desk, make_queue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(alice) -> CallSession:
    at_desk(alice, languages="en,de")
    queue = make_queue()
    session = CallSession.objects.create(
        kallglot_id="sess_Q1", agent=None, route=queue.route, mode="bidirectional_translation"
    )
    QueuedCall.objects.create(
        session=session, queue=queue, call_sid="CA" + "1" * 32, caller="+4930123456"
    )
    return session


@database_sync_to_async
def accept(session: CallSession, agent: object) -> None:
    """What an accept changes, as far as the board is concerned."""
    QueuedCall.objects.filter(session=session).update(outcome=QueuedCall.Outcome.ANSWERED)
    CallSession.objects.filter(pk=session.pk).update(agent=agent)
    relay.board_changed()


async def test_it_sends_the_waiting_call_then_who_took_it(charlie, alice, waiting):
    communicator = await board(charlie)

    first = await communicator.receive_json_from()
    assert first["type"] == "board"
    assert [(call["kallglot_id"], call["agent"]) for call in first["sessions"]] == [
        ("sess_Q1", None)
    ]
    assert [(q["label"], q["waiting"], q["missed_today"]) for q in first["queues"]] == [
        ("German line", 1, 0)
    ]
    assert first["queues"][0]["since"] is not None
    assert [(a["name"], a["state_label"], a["languages"]) for a in first["agents"]] == [
        ("alice", "Available", ["en", "de"])
    ]

    await accept(waiting, alice)

    change = await communicator.receive_json_from(timeout=2)
    assert change["type"] == "queues"
    assert (change["queues"][0]["waiting"], change["queues"][0]["since"]) == (0, None)
    assert [call["agent"] for call in change["sessions"]] == ["alice"]
    await communicator.disconnect()
