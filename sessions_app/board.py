"""The supervisors' live board: the queues and the agents, every open call, status changes as
they happen, and the captions of the call a supervisor chooses to watch."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sessions_app import agents, consumers, links, queues, relay, routes, tickets
from sessions_app.access import find_session, is_supervisor
from sessions_app.errors import error_response
from sessions_app.models import CallSession, SessionEvent

BOARD = "board"
RECENT_CAPTIONS = 20


def summary(session: CallSession) -> dict:
    return {
        "id": str(session.public_id),
        "kallglot_id": session.kallglot_id,
        "agent": session.agent_name or None,
        "mode": session.get_mode_display(),
        "source_language": session.source_language or None,
        "target_language": session.target_language or None,
        "languages": session.languages,
        "metadata": session.metadata,
        "route": routes.route_json(session.route),
        "customer": session.customer_status or None,
        "phone_number": session.phone_number or None,
        "status": session.status,
        "created_at": session.created_at.isoformat(),
        "started_at": session.started_at.isoformat() if session.started_at else None,
    }


def live_sessions() -> list[dict]:
    sessions = CallSession.objects.open().known().select_related("agent", "route")
    return [summary(session) for session in sessions]


def recent_captions(session: CallSession) -> list[dict]:
    events = SessionEvent.objects.filter(session=session, kind__in=relay.CAPTIONS)
    latest = list(events.select_related("session").order_by("-seq")[:RECENT_CAPTIONS])
    return [relay.event_message(event) for event in reversed(latest)]


def desk_json() -> dict:
    """The queues and the agents, as the board shows them, with the open calls: an accepted
    call has its agent now, which no event of the call says."""
    return {
        "type": "queues",
        "queues": queues.queues_json(),
        "agents": agents.agents_json(),
        "sessions": live_sessions(),
    }


def board_json() -> dict:
    """The board's first message: the open calls, the queues and the agents."""
    return desk_json() | {"type": "board"}


def board_holder(ticket: str) -> tickets.Holder | None:
    """Who the ticket lets in to the board: a supervisor, still signed in."""
    holder = tickets.read(ticket, BOARD)
    return holder if holder and is_supervisor(holder.user) else None


def socket_path(request: HttpRequest) -> str:
    return f"/ws/supervisor/?ticket={tickets.issue(request, BOARD)}"


@require_GET
@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    if not is_supervisor(request.user):
        raise PermissionDenied("The live board is for supervisors.")
    config = {
        "socket": socket_path(request),
        "ticket_url": reverse("board-socket"),
        "end_url": links.url_template("api-session-end"),
        "session_url": links.url_template("api-session"),
    }
    return render(request, "sessions_app/board.html", {"board_config": config})


@require_GET
def board_socket(request: HttpRequest) -> JsonResponse:
    """A fresh ticket for the board's socket (they are short-lived), for reconnects."""
    if not is_supervisor(request.user):
        return error_response(403, "not_a_supervisor", "The live board is for supervisors.")
    return JsonResponse({"socket": socket_path(request)})


class BoardConsumer(consumers.ClosesAtSignOut, consumers.AppSocket):
    user = None
    sign_in: str | None = None
    watched: CallSession | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope["query_string"].decode("latin-1"))
        holder = await database_sync_to_async(board_holder)((query.get("ticket") or [""])[0])
        await self.accept()
        if holder is None:
            await self.close(code=consumers.REFUSED)
            return
        self.user, self.sign_in = holder.user, holder.sign_in
        await relay.join_sign_in(self.channel_layer, self.channel_name, self.sign_in)
        await relay.join_board(self.channel_layer, self.channel_name)
        await self.send_json(await database_sync_to_async(board_json)())

    async def queues_changed(self, message: dict) -> None:
        """The queues or an agent changed (relay.board_changed): send them as they are now."""
        await self.send_json(await database_sync_to_async(desk_json)())

    async def disconnect(self, code: int) -> None:
        if self.user is not None:
            await relay.leave_board(self.channel_layer, self.channel_name)
            await relay.leave_sign_in(self.channel_layer, self.channel_name, self.sign_in)
        await self.unwatch()

    async def receive_json(self, content: object, **kwargs: object) -> None:
        if isinstance(content, dict) and content.get("type") == "watch":
            await self.watch(str(content.get("session_id", "")))

    async def watch(self, public_id: str) -> None:
        session = await database_sync_to_async(self.find)(public_id)
        if session is None:
            await self.send_json({"type": "error", "message": "No such call."})
            return
        await self.unwatch()
        self.watched = session
        await relay.join_session(self.channel_layer, self.channel_name, session)
        captions = await database_sync_to_async(recent_captions)(session)
        await self.send_json({"type": "captions", "session_id": public_id, "events": captions})

    def find(self, public_id: str) -> CallSession | None:
        try:
            uuid.UUID(public_id)
        except ValueError:
            return None
        return find_session(self.user, public_id)

    async def unwatch(self) -> None:
        if self.watched is not None:
            await relay.leave_session(self.channel_layer, self.channel_name, self.watched)
            self.watched = None
