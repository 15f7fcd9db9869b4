"""The status socket: a snapshot on connect, then every numbered event of one session."""

from __future__ import annotations

from urllib.parse import parse_qs
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from sessions_app import agents, holds, inbound, jsonin, queues, relay, tickets
from sessions_app.access import find_session
from sessions_app.models import CallSession, SessionEvent

MAX_MESSAGE_BYTES = 4096  # a page sends only {"type": "resume", "after": n} or a watch
# No, expired, tampered or foreign ticket, or its sign-in ended: fetch a fresh one and reconnect.
REFUSED = 4401
MAX_EVENTS_PER_RESUME = 500
AGENT = "agent"  # the subject of agent-socket tickets


def load_session(ticket: str, public_id: str) -> tuple[CallSession, str] | None:
    """The call the ticket opens, and the sign-in it was issued in."""
    holder = tickets.read(ticket, public_id)
    session = find_session(holder.user, public_id) if holder else None
    return (session, holder.sign_in) if session else None


def snapshot(session: CallSession) -> dict:
    return {
        "type": "snapshot",
        "session": {
            "id": str(session.public_id),
            "kallglot_id": session.kallglot_id,
            "status": session.status,
            "started_at": session.started_at.isoformat() if session.started_at else None,
            "ended_at": session.ended_at.isoformat() if session.ended_at else None,
            "duration_seconds": session.duration_seconds,
        },
        "last_event_seq": session.last_event_seq,
    }


def events_after(session: CallSession, after: int) -> list[dict]:
    events = SessionEvent.objects.filter(session=session, seq__gt=after).select_related("session")
    return [relay.event_message(event) for event in events[:MAX_EVENTS_PER_RESUME]]


class ClosesAtSignOut:
    """For consumers: the socket closes when the sign-in its ticket was issued in signs out."""

    async def sign_in_ended(self, message: dict) -> None:
        await self.close(code=REFUSED)


class AppSocket(relay.ForwardsEvents, AsyncJsonWebsocketConsumer):
    """The app's sockets: relayed events pass through; what a page sends is read in limits."""

    @classmethod
    async def decode_json(cls, text_data: str) -> object:
        try:
            return jsonin.load(text_data, max_bytes=MAX_MESSAGE_BYTES)
        except ValueError:
            return None  # receive_json ignores anything but the messages it knows


class StatusConsumer(ClosesAtSignOut, AppSocket):
    session: CallSession | None = None
    sign_in: str | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope["query_string"].decode("latin-1"))
        public_id = str(self.scope["url_route"]["kwargs"]["session_id"])
        ticket = (query.get("ticket") or [""])[0]
        admitted = await database_sync_to_async(load_session)(ticket, public_id)
        await self.accept()
        if admitted is None:
            await self.close(code=REFUSED)
            return
        self.session, self.sign_in = admitted
        await relay.join_sign_in(self.channel_layer, self.channel_name, self.sign_in)
        await relay.join_session(self.channel_layer, self.channel_name, self.session)
        await self.send_json(snapshot(self.session))
        after = (query.get("after") or [""])[0]
        if after.isdigit():
            await self.resume(int(after))

    async def disconnect(self, code: int) -> None:
        if self.session is not None:
            await relay.leave_session(self.channel_layer, self.channel_name, self.session)
            await relay.leave_sign_in(self.channel_layer, self.channel_name, self.sign_in)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        if isinstance(content, dict) and content.get("type") == "resume":
            after = content.get("after")
            if isinstance(after, int) and after >= 0:
                await self.resume(after)

    async def resume(self, after: int) -> None:
        for message in await database_sync_to_async(events_after)(self.session, after):
            await self.send_json(message)


class AgentConsumer(ClosesAtSignOut, AppSocket):
    """The socket a console holds while open: the agent's state and the calls ringing for them.

    Each open socket is one of the agent's pages (agents.py), named by the `page` id the console
    made when it loaded; the page's heartbeat (`{"type": "here"}`) keeps it fresh and lets the
    queues catch up on missed timers. `{"type": "hold", "session": id, "take": bool}` asks to
    hold the agent's live call (holds.py).
    """

    user_id: int | None = None
    sign_in: str | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope["query_string"].decode("latin-1"))
        holder = await database_sync_to_async(tickets.read)((query.get("ticket") or [""])[0], AGENT)
        await self.accept()
        if holder is None:
            await self.close(code=REFUSED)
            return
        self.user_id, self.sign_in = holder.user.pk, holder.sign_in
        await relay.join_sign_in(self.channel_layer, self.channel_name, self.sign_in)
        await relay.join_agent(self.channel_layer, self.channel_name, self.user_id)
        page_id = (query.get("page") or [""])[0][:64]
        opened = database_sync_to_async(agent_opened)
        for message in await opened(self.user_id, self.channel_name, page_id):
            await self.send_json(message)

    async def disconnect(self, code: int) -> None:
        if self.user_id is not None:
            await relay.leave_agent(self.channel_layer, self.channel_name, self.user_id)
            await relay.leave_sign_in(self.channel_layer, self.channel_name, self.sign_in)
            await database_sync_to_async(agent_left)(self.user_id, self.channel_name)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "here":
            await database_sync_to_async(agent_here)(self.channel_name)
        elif kind == "hold" and isinstance(content.get("session"), str):
            await database_sync_to_async(agent_holds)(self.user_id, self.channel_name, content)


def agent_opened(user_id: int, channel_name: str, page_id: str) -> list[dict]:
    """Register the page; its first message is the agent's state and any call ringing now,
    then their call that no page holds, if any."""
    profile = agents.page_opened(user_id, channel_name, page_id)
    queues.dispatch()  # the agent may be the one a waiting call was waiting for
    ringing = queues.ringing_for(user_id)
    messages = [agents.state_json(profile, offer=queues.offer_json(ringing) if ringing else None)]
    unheld = holds.unheld_call(user_id)
    return [*messages, holds.call_json(unheld)] if unheld else messages


def agent_left(user_id: int, channel_name: str) -> None:
    holds.page_gone(agents.page_closed(user_id, channel_name))


def agent_holds(user_id: int, channel_name: str, content: dict) -> None:
    try:
        session_id = UUID(content["session"])
    except ValueError:
        return
    holds.hold(user_id, channel_name, session_id, take=content.get("take") is True)


def agent_here(channel_name: str) -> None:
    agents.page_seen(channel_name)
    inbound.sweep()
    holds.sweep()
