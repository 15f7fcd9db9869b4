"""The board socket: supervisors only, live calls on connect, status changes, watched captions."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from sessions_app import services, tickets
from sessions_app.models import CallSession
from sessions_app.routing import websocket_urlpatterns
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter([path("ws/", URLRouter(websocket_urlpatterns))])
record = database_sync_to_async(services.record_event)


@pytest.fixture
def calls(alice, bob) -> tuple[CallSession, CallSession]:
    live = CallSession.objects.create(
        kallglot_id="sess_B1", agent=alice, mode="ai_agent", metadata={"ticket_id": "T-1"}
    )
    CallSession.objects.create(kallglot_id="sess_B2", agent=bob, mode="ai_agent", status="ended")
    return live, CallSession.objects.create(kallglot_id="sess_B3", agent=bob, mode="ai_agent")


@database_sync_to_async
def ticket_for(user: object, subject: str = "board") -> str:
    """A ticket issued in a sign-in of `user`'s (off the event loop, as the ORM wants)."""
    return tickets.issue(signed_in(user), subject)


async def board(user) -> WebsocketCommunicator:
    ticket = await ticket_for(user)
    communicator = WebsocketCommunicator(application, f"/ws/supervisor/?ticket={ticket}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_agents_and_bad_tickets_are_refused(alice, charlie):
    for ticket in (
        await ticket_for(alice),
        "nope",
        await ticket_for(charlie, "some-session"),
    ):
        communicator = WebsocketCommunicator(application, f"/ws/supervisor/?ticket={ticket}")
        assert (await communicator.connect())[0]
        closed = await communicator.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": 4401}


async def test_it_lists_open_calls_then_relays_status_changes(charlie, calls):
    _, other = calls
    communicator = await board(charlie)

    first = await communicator.receive_json_from()
    assert first["type"] == "board"
    assert {c["kallglot_id"] for c in first["sessions"]} == {"sess_B1", "sess_B3"}
    row = next(c for c in first["sessions"] if c["kallglot_id"] == "sess_B1")
    assert (row["agent"], row["metadata"]) == ("alice", {"ticket_id": "T-1"})

    await record(other, "session.started", {"status": "active"})
    event = await communicator.receive_json_from(timeout=2)
    assert (event["session_id"], event["kind"]) == (str(other.public_id), "session.started")
    await communicator.disconnect()


async def test_captions_come_only_for_the_watched_call(charlie, calls):
    live, other = calls
    await record(live, "transcript.segment", {"speaker": "agent", "text": "earlier"})
    communicator = await board(charlie)
    await communicator.receive_json_from()

    await record(other, "transcript.segment", {"speaker": "agent", "text": "not watched"})
    assert await communicator.receive_nothing(timeout=0.3)

    await communicator.send_json_to({"type": "watch", "session_id": str(live.public_id)})
    recent = await communicator.receive_json_from()
    assert recent["type"] == "captions"
    assert [e["data"]["text"] for e in recent["events"]] == ["earlier"]

    await record(live, "transcript.segment", {"speaker": "customer", "text": "now"})
    assert (await communicator.receive_json_from(timeout=2))["data"]["text"] == "now"

    await communicator.send_json_to({"type": "watch", "session_id": "not-a-uuid"})
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.disconnect()
