"""The status socket: ticket rules, the snapshot, live events and resuming after a gap."""

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


@pytest.fixture
def session(alice) -> CallSession:
    return CallSession.objects.create(kallglot_id="sess_WS1", agent=alice, mode="ai_agent")


def url(session: CallSession, ticket: str | None, after: int | None = None) -> str:
    query = f"?ticket={ticket}" if ticket is not None else ""
    if after is not None:
        query += f"&after={after}"
    return f"/ws/sessions/{session.public_id}/{query}"


async def opened(path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def assert_refused(path: str) -> None:
    communicator = await opened(path)
    assert await communicator.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}


@database_sync_to_async
def ticket_for(user: object, session: CallSession) -> str:
    """A ticket issued in a sign-in of `user`'s (off the event loop, as the ORM wants)."""
    return tickets.issue(signed_in(user), str(session.public_id))


record = database_sync_to_async(services.record_event)


async def test_it_refuses_a_missing_or_tampered_ticket(session, alice):
    good = await ticket_for(alice, session)

    await assert_refused(url(session, None))
    await assert_refused(url(session, ""))
    await assert_refused(url(session, good[:-2] + ("AA" if not good.endswith("AA") else "BB")))


async def test_it_refuses_an_expired_ticket(session, alice, settings):
    settings.STATUS_TICKET_MAX_AGE = -1

    await assert_refused(url(session, await ticket_for(alice, session)))


async def test_it_refuses_a_ticket_for_another_session(session, alice):
    other = await database_sync_to_async(CallSession.objects.create)(
        kallglot_id="sess_WS2", agent=alice, mode="ai_agent"
    )

    await assert_refused(url(session, await ticket_for(alice, other)))


async def test_it_refuses_another_agents_ticket(session, bob):
    await assert_refused(url(session, await ticket_for(bob, session)))


async def test_it_sends_a_snapshot_then_live_events(session, alice):
    communicator = await opened(url(session, await ticket_for(alice, session)))

    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["session"]["kallglot_id"] == "sess_WS1"
    assert snapshot["last_event_seq"] == 0

    await record(session, "session.started", {"status": "active"})
    event = await communicator.receive_json_from(timeout=2)
    assert (event["type"], event["seq"], event["kind"]) == ("event", 1, "session.started")
    assert event["session_id"] == str(session.public_id)
    await communicator.disconnect()


async def test_a_supervisor_may_watch_any_session(session, charlie):
    communicator = await opened(url(session, await ticket_for(charlie, session)))

    assert (await communicator.receive_json_from())["type"] == "snapshot"
    await communicator.disconnect()


async def test_it_resumes_after_the_last_seen_event(session, alice):
    for kind in ("session.started", "session.ended", "transcript.ready"):
        await record(session, kind, {})

    communicator = await opened(url(session, await ticket_for(alice, session), after=1))
    assert (await communicator.receive_json_from())["last_event_seq"] == 3
    assert [(await communicator.receive_json_from())["seq"] for _ in range(2)] == [2, 3]

    await communicator.send_json_to({"type": "resume", "after": 2})
    assert (await communicator.receive_json_from())["kind"] == "transcript.ready"
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()
