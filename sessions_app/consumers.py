"""The status socket: a snapshot on connect, then every numbered event of one session."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from sessions_app import jsonin, relay, tickets
from sessions_app.access import find_session
from sessions_app.models import CallSession, SessionEvent

MAX_MESSAGE_BYTES = 4096  # a page sends only {"type": "resume", "after": n} or a watch
REFUSED = 4401  # no, expired, tampered or foreign ticket: fetch a fresh one and reconnect
MAX_EVENTS_PER_RESUME = 500


def load_session(ticket: str, public_id: str) -> CallSession | None:
    user_id = tickets.read(ticket, public_id)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return find_session(user, public_id) if user else None


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


class AppSocket(relay.ForwardsEvents, AsyncJsonWebsocketConsumer):
    """The app's sockets: relayed events pass through; what a page sends is read in limits."""

    @classmethod
    async def decode_json(cls, text_data: str) -> object:
        try:
            return jsonin.load(text_data, max_bytes=MAX_MESSAGE_BYTES)
        except ValueError:
            return None  # receive_json ignores anything but the messages it knows


class StatusConsumer(AppSocket):
    session: CallSession | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope["query_string"].decode("latin-1"))
        public_id = str(self.scope["url_route"]["kwargs"]["session_id"])
        ticket = (query.get("ticket") or [""])[0]
        self.session = await database_sync_to_async(load_session)(ticket, public_id)
        await self.accept()
        if self.session is None:
            await self.close(code=REFUSED)
            return
        await relay.join_session(self.channel_layer, self.channel_name, self.session)
        await self.send_json(snapshot(self.session))
        after = (query.get("after") or [""])[0]
        if after.isdigit():
            await self.resume(int(after))

    async def disconnect(self, code: int) -> None:
        if self.session is not None:
            await relay.leave_session(self.channel_layer, self.channel_name, self.session)

    async def receive_json(self, content: object, **kwargs: object) -> None:
        if isinstance(content, dict) and content.get("type") == "resume":
            after = content.get("after")
            if isinstance(after, int) and after >= 0:
                await self.resume(after)

    async def resume(self, after: int) -> None:
        for message in await database_sync_to_async(events_after)(self.session, after):
            await self.send_json(message)
