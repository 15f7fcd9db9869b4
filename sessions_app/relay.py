"""The only module that names channel groups or talks to the channel layer.

Events are sent with Channels' `group_send` once the transaction that wrote them commits, so
a socket never sees an event the database does not have; a socket that misses one catches up
by sequence number. Each message carries its JSON text ready-made, so a broadcast to
thousands of sockets serialises it once; consumers pass it on in `session_event`, the handler
named after the message type.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from sessions_app.models import CallSession, SessionEvent

logger = logging.getLogger(__name__)

SUPERVISORS = "supervisors"
# Captions go only to sockets watching that call, not to every supervisor's board.
CAPTIONS = ("transcript.segment",)
# The type of a relayed event's channel-layer message: consumers handle it in `session_event`.
EVENT = "session.event"
# Sent to the boards when the queues or the agents change: they handle it in `queues_changed`.
QUEUES_CHANGED = "queues.changed"
# Sent to a sign-in's sockets when it signs out: consumers close them in `sign_in_ended`.
SIGN_IN_ENDED = "sign_in.ended"


def session_group(session: CallSession) -> str:
    return f"session.{session.public_id.hex}"


def sign_in_group(sign_in: str) -> str:
    """The sockets opened with tickets of one sign-in (`sign_in` is tickets.sign_in_id's hex)."""
    return f"sign_in.{sign_in}"


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


def publish(event: SessionEvent) -> None:
    """Relay a numbered event to the session's sockets and the supervisors, after commit."""
    message = {"type": EVENT, "text": json.dumps(event_message(event))}
    groups = [session_group(event.session)]
    if event.kind not in CAPTIONS:
        groups.append(SUPERVISORS)
    transaction.on_commit(lambda: async_to_sync(send)(groups, message))


def sign_in_ended(sign_in: str) -> None:
    """Close the sockets opened with this sign-in's tickets (it signed out)."""
    async_to_sync(send)([sign_in_group(sign_in)], {"type": SIGN_IN_ENDED})


async def send(groups: list[str], message: dict) -> None:
    layer = get_channel_layer()
    for group in groups:
        try:
            await layer.group_send(group, message)
        except Exception:  # the event is stored; sockets resync by seq
            logger.warning("relay to %s failed; clients will resync", group, exc_info=True)


class ForwardsEvents:
    """For consumers: a relayed event goes to the socket as the text it was sent with."""

    async def session_event(self, message: dict) -> None:
        await self.send(text_data=message["text"])


async def join_session(layer: object, channel_name: str, session: CallSession) -> None:
    await layer.group_add(session_group(session), channel_name)


async def leave_session(layer: object, channel_name: str, session: CallSession) -> None:
    await layer.group_discard(session_group(session), channel_name)


async def join_board(layer: object, channel_name: str) -> None:
    await layer.group_add(SUPERVISORS, channel_name)


async def leave_board(layer: object, channel_name: str) -> None:
    await layer.group_discard(SUPERVISORS, channel_name)


async def join_sign_in(layer: object, channel_name: str, sign_in: str) -> None:
    await layer.group_add(sign_in_group(sign_in), channel_name)


async def leave_sign_in(layer: object, channel_name: str, sign_in: str) -> None:
    await layer.group_discard(sign_in_group(sign_in), channel_name)


def agent_group(user_id: int) -> str:
    """The console sockets of one agent: their state, and the calls offered to them."""
    return f"agent.{user_id}"


def to_agent(user_id: int, payload: dict) -> None:
    """Send an agent's pages a message (their state, an offer), after commit."""
    message = {"type": EVENT, "text": json.dumps(payload)}
    transaction.on_commit(lambda: async_to_sync(send)([agent_group(user_id)], message))


def board_changed() -> None:
    """The queues or an agent's state changed: each board reads them afresh, after commit."""
    message = {"type": QUEUES_CHANGED}
    transaction.on_commit(lambda: async_to_sync(send)([SUPERVISORS], message))


async def join_agent(layer: object, channel_name: str, user_id: int) -> None:
    await layer.group_add(agent_group(user_id), channel_name)


async def leave_agent(layer: object, channel_name: str, user_id: int) -> None:
    await layer.group_discard(agent_group(user_id), channel_name)
