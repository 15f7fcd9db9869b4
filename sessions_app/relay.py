"""The only module that names channel groups or talks to the channel layer.

Events are sent after the transaction that wrote them commits, so a socket never sees an
event the database does not have; a socket that misses one catches up by sequence number.

Sending does not hold up the request that caused it: under ASGI the message is handed to
one sender task per event loop, which sends in commit order. Each message carries its JSON
text ready-made, so a broadcast to thousands of sockets serialises it once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sessions_app.models import CallSession, SessionEvent

logger = logging.getLogger(__name__)

SUPERVISORS = "supervisors"
# Captions go only to sockets watching that call, not to every supervisor's board.
CAPTIONS = ("transcript.segment",)
# The type of a relayed event's channel-layer message.
EVENT = "session.event"

Outgoing = tuple[tuple[str, ...], dict]
_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue[Outgoing]] = (
    weakref.WeakKeyDictionary()
)
_senders: set[asyncio.Task] = set()


def session_group(session: CallSession) -> str:
    return f"session.{session.public_id.hex}"


def event_message(event: SessionEvent) -> dict:
    """The JSON a socket receives for one numbered event."""
    return {
        "type": "event",
        "session_id": str(event.session.public_id),
        "seq": event.seq,
        "kind": event.kind,
        "at": event.occurred_at.isoformat(),
        "data": event.data,
    }


class ForwardsEvents:
    """For consumers: relayed events go to the socket as they are, without a database hop.

    Channels' `dispatch` closes stale database connections before every message it hands a
    consumer, in the worker's one thread for sync code: a thread hop per message and socket,
    queued behind any socket's database work. A relayed event needs no database (its text is
    ready-made), so a broadcast to thousands of sockets skips that; every other message, and
    every `database_sync_to_async` call, still closes stale connections as before.
    """

    async def dispatch(self, message: dict) -> None:
        if message["type"] == EVENT:
            await self.send(text_data=message["text"])
        else:
            await super().dispatch(message)


def publish(event: SessionEvent) -> None:
    """Relay a numbered event to the session's sockets and the supervisors, after commit."""
    message = {"type": EVENT, "text": json.dumps(event_message(event))}
    groups = (session_group(event.session),)
    if event.kind not in CAPTIONS:
        groups += (SUPERVISORS,)
    transaction.on_commit(lambda: send((groups, message)))


def send(outgoing: Outgoing) -> None:
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(enqueue, loop, outgoing)
    else:  # plain sync code (management commands, the test client): send and wait
        async_to_sync(send_now)(outgoing)


def enqueue(loop: asyncio.AbstractEventLoop, outgoing: Outgoing) -> None:
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = asyncio.Queue()
        task = loop.create_task(drain(queue), name="relay sender")
        _senders.add(task)
        task.add_done_callback(_senders.discard)
    queue.put_nowait(outgoing)


async def drain(queue: asyncio.Queue[Outgoing]) -> None:
    while True:
        await send_now(await queue.get())


async def send_now(outgoing: Outgoing) -> None:
    groups, message = outgoing
    layer = get_channel_layer()
    for group in groups:
        try:
            await layer.group_send(group, message)
        except Exception:  # the event is stored; sockets resync by seq
            logger.warning("relay to %s failed; clients will resync", group, exc_info=True)


async def join_session(layer: object, channel_name: str, session: CallSession) -> None:
    await layer.group_add(session_group(session), channel_name)


async def leave_session(layer: object, channel_name: str, session: CallSession) -> None:
    await layer.group_discard(session_group(session), channel_name)


async def join_board(layer: object, channel_name: str) -> None:
    await layer.group_add(SUPERVISORS, channel_name)


async def leave_board(layer: object, channel_name: str) -> None:
    await layer.group_discard(SUPERVISORS, channel_name)
