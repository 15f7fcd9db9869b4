"""The JSON API of an agent at their desk: their state, the calls that ring for them, wrap-up.

In sandbox mode it can also make the phone ring: a simulated inbound call through the
sandbox's Twilio stand-in, which rings the app as Twilio would.
"""

from __future__ import annotations

from uuid import UUID

import httpx
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from sessions_app import agents, inbound, queues, routes, tickets
from sessions_app.api import api_view, owned_session, session_json, stream_json
from sessions_app.consumers import AGENT
from sessions_app.errors import ApiError
from sessions_app.models import AgentProfile, Disposition
from sessions_app.validation import parse_json

CHOOSABLE = (AgentProfile.State.AVAILABLE, AgentProfile.State.AWAY)
MAX_NOTE_CHARS = 2000


def agent_socket(request: HttpRequest) -> str:
    return f"/ws/agent/?ticket={tickets.issue(request, AGENT)}"


@api_view("GET")
def agent_detail(request: HttpRequest) -> JsonResponse:
    """The agent's state, and a fresh ticket for their agent socket (tickets are short-lived)."""
    profile = agents.profile_of(request.user)
    ringing = queues.ringing_for(request.user.pk)
    offer = queues.offer_json(ringing) if ringing else None
    return JsonResponse(agents.state_json(profile, offer=offer) | {"socket": agent_socket(request)})


@api_view("POST")
def agent_state(request: HttpRequest) -> JsonResponse:
    """`{"state": "available" | "away"}`: the agent's own choice."""
    state = parse_json(request.body).get("state")
    if state not in CHOOSABLE:
        raise ApiError(400, "invalid_state", "Choose available or away.", "state")
    profile = queues.choose_state(request.user.pk, state)
    return JsonResponse(agents.state_json(profile))


@api_view("POST")
def offer_accept(request: HttpRequest, offer_id: UUID) -> JsonResponse:
    """Take the call ringing for this agent: the call, and its stream credentials."""
    started = inbound.accept(request.user.pk, offer_id)
    body = session_json(started.session, request) | {"stream": stream_json(started.stream)}
    return JsonResponse(body)


@api_view("POST")
def offer_decline(request: HttpRequest, offer_id: UUID) -> JsonResponse:
    queues.decline(request.user.pk, offer_id)
    return JsonResponse({"declined": str(offer_id)})


@api_view("POST")
def session_wrap_up(request: HttpRequest, session_id: UUID) -> JsonResponse:
    """`{"disposition": id, "note"?: text}`: file an ended call; its agent is Available again."""
    session = owned_session(request, session_id)
    if session.agent_id != request.user.pk:
        raise ApiError(403, "not_your_call", "Only the agent who took this call can file it.")
    if not session.is_ended:
        raise ApiError(409, "call_not_ended", "End the call before you file it.")
    disposition, note = parse_wrap_up(parse_json(request.body))
    session.disposition, session.wrap_up_note = disposition, note
    session.wrapped_up_at = timezone.now()
    session.save(update_fields=["disposition", "wrap_up_note", "wrapped_up_at"])
    queues.wrapped_up(session)
    return JsonResponse(session_json(session, request))


def parse_wrap_up(body: dict) -> tuple[Disposition | None, str]:
    offered = Disposition.objects.filter(is_active=True)
    choice = body.get("disposition")
    number = isinstance(choice, int) and not isinstance(choice, bool)
    disposition = offered.filter(pk=choice).first() if number else None
    if disposition is None and (choice is not None or offered.exists()):
        raise ApiError(
            400, "invalid_disposition", "Choose one of the listed outcomes.", "disposition"
        )
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        message = f"The note is text of at most {MAX_NOTE_CHARS} characters."
        raise ApiError(400, "invalid_note", message, "note")
    return disposition, note.strip()


def dispositions_json() -> list[dict]:
    return [
        {"id": item.pk, "label": item.label} for item in Disposition.objects.filter(is_active=True)
    ]


def inbound_numbers() -> list[dict]:
    """The numbers a simulated call may dial: the active inbound routes'."""
    found = routes.inbound_routes()
    return [{"number": route.phone_number, "label": route.label} for route in found]


@api_view("POST")
def sandbox_incoming_call(request: HttpRequest) -> JsonResponse:
    """Sandbox mode: a simulated customer dials `to` (default: the first inbound number)."""
    if not settings.KALLGLOT_SANDBOX:
        raise ApiError(404, "not_found", "Simulated calls exist only in sandbox mode.")
    body = parse_json(request.body)
    numbers = [item["number"] for item in inbound_numbers()]
    to_number = body.get("to") or (numbers[0] if numbers else None)
    if to_number not in numbers:
        message = "No inbound route answers that number: add one in the admin."
        raise ApiError(400, "no_inbound_route", message, "to")
    return JsonResponse(ring_sandbox(to_number), status=201)


def ring_sandbox(to_number: str) -> dict:
    headers = {"Authorization": f"Bearer {settings.KALLGLOT_SANDBOX_API_KEY}"}
    url = f"{settings.KALLGLOT_API_BASE}/_control/twilio/calls"
    try:
        response = httpx.post(url, json={"to": to_number}, headers=headers, timeout=10)
    except httpx.HTTPError:
        raise ApiError(503, "sandbox_unreachable", "The sandbox cannot be reached.") from None
    if not response.is_success:
        raise ApiError(502, "sandbox_refused", "The sandbox did not place the call.")
    return response.json()
