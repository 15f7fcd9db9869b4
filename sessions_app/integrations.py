"""The integrations API for a PBX or CTI system (docs/integrations.md): PBX-first calls.

Requests carry `Authorization: Bearer <integration token>`, a token an admin made in the admin
(shown once; only its SHA-256 is stored, so it is looked up by that hash). Unknown or revoked
tokens get 401, a route the token may not use 403; every use of a known token is audited as an
`IntegrationUse`. No cookies, so no CSRF: the views are exempt. Every failure is the API's JSON
error envelope.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sessions_app import pbx, phone, routes
from sessions_app.errors import ApiError, api_error
from sessions_app.exceptions import CallError
from sessions_app.models import IntegrationToken, IntegrationUse, Queue, QueuedCall, Route
from sessions_app.validation import parse_json, parse_metadata

TOKEN_PREFIX = "kgi_"  # noqa: S105 - the mark of an integration token, not a secret
PBX_CALL_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,48}$")

View = Callable[..., JsonResponse]


# --- tokens --------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(token: IntegrationToken) -> str:
    """Give a new token its key: the key is returned once, the row keeps only its hash."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token.key_hash = hash_key(key)
    token.prefix = key[:12]
    return key


def bearer(request: HttpRequest) -> IntegrationToken | None:
    """The token the request names, revoked or not; None when it names none we know."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    return IntegrationToken.objects.filter(key_hash=hash_key(key.strip())).first()


def check_token(token: IntegrationToken | None) -> IntegrationToken:
    if token is None:
        message = "Send Authorization: Bearer <integration token> with a token the admin made."
        raise ApiError(401, "invalid_token", message)
    if token.is_revoked:
        raise ApiError(401, "token_revoked", "This integration token was revoked.")
    IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


# --- the views' frame ----------------------------------------------------------------------


def integration_view(method: str, action: str) -> Callable[[View], View]:
    """One method, a valid token, the error envelope; every use of a known token audited."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
            token = bearer(request)
            try:
                if request.method != method:
                    raise ApiError(405, "method_not_allowed", f"Use {method} here.")
                response = view(request, check_token(token), *args, **kwargs)
            except ApiError as exc:
                response = exc.response()
            except CallError as exc:
                response = api_error(exc).response()
            if response.status_code == 401:
                response["WWW-Authenticate"] = "Bearer"
            if token is not None:
                audit(token, request, action, response)
            return response

        return wrapper

    return decorate


def audit(token: IntegrationToken, request: HttpRequest, action: str, response: object) -> None:
    code = ""
    if response.status_code >= 400:
        code = parse_json(response.content).get("error", {}).get("code", "")
    IntegrationUse.objects.create(
        token=token,
        action=action,
        path=request.path[:200],
        status=response.status_code,
        code=code[:64],
        session=getattr(response, "call_session", None),
        remote_address=request.META.get("REMOTE_ADDR") or None,
    )


def call_response(call: QueuedCall, status: int = 200) -> JsonResponse:
    response = JsonResponse(call_json(call), status=status)
    response.call_session = call.session  # for the audit
    return response


def call_json(call: QueuedCall) -> dict:
    session = call.session
    return {
        "id": str(session.public_id),
        "kallglot_id": session.kallglot_id,
        "bridge_uri": routes.bridge_uri(session.kallglot_id),
        "pbx_call_id": call.call_sid.split(":", 2)[2],
        "status": session.status,
        "outcome": call.outcome,
        "agent": session.agent_name or None,
        "created_at": session.created_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
    }


# --- the API -------------------------------------------------------------------------------


@integration_view("POST", "create")
def calls_create(request: HttpRequest, token: IntegrationToken) -> JsonResponse:
    """A PBX's call: 201 with its bridge URI; 200 with the same call for a repeated call id."""
    call, made = pbx.take_call(token, parse_call(token, parse_json(request.body)))
    return call_response(call, 201 if made else 200)


@integration_view("GET", "status")
def call_detail(request: HttpRequest, token: IntegrationToken, call_id: UUID) -> JsonResponse:
    return call_response(token_call(token, call_id))


@integration_view("POST", "end")
def call_end(request: HttpRequest, token: IntegrationToken, call_id: UUID) -> JsonResponse:
    """The PBX's leg ended: the call ends (again: nothing changes)."""
    return call_response(pbx.end_call(token_call(token, call_id)))


def token_call(token: IntegrationToken, call_id: UUID) -> QueuedCall:
    call = pbx.find_call(token, call_id)
    if call is None:
        raise ApiError(404, "not_found", "No such call.", "id")
    return call


# --- what the PBX sends --------------------------------------------------------------------


def parse_call(token: IntegrationToken, body: dict) -> pbx.PbxCall:
    route = parse_route(token, body.get("route"))
    agent, queue = body.get("agent"), body.get("queue")
    if (agent in (None, "")) == (queue in (None, "")):
        raise ApiError(400, "agent_or_queue", "Name either an agent or a queue.", "agent")
    return pbx.PbxCall(
        route=route,
        queue=parse_queue(queue, route) if queue else own_queue(route),
        agent=parse_agent(agent) if agent else None,
        caller=parse_caller(body.get("caller")),
        pbx_call_id=parse_pbx_call_id(body.get("pbx_call_id")),
        metadata=parse_metadata(body.get("metadata")),
    )


def parse_route(token: IntegrationToken, value: object) -> Route:
    """A SIP route the token may use; any other (or none) is refused alike."""
    route = routes.find_route(value)
    allowed = token.routes.filter(kind=Route.Kind.SIP, is_active=True)
    if route is None or not allowed.filter(pk=route.pk).exists():
        message = "This token may not put calls on that route: name one of its SIP routes."
        raise ApiError(403, "route_not_allowed", message, "route")
    return route


def own_queue(route: Route) -> Queue:
    """The SIP route's own queue (made on its first call, as Twilio's inbound routes' are)."""
    return Queue.objects.select_related("route").get_or_create(route=route)[0]


def parse_queue(value: object, route: Route) -> Queue:
    """A queue, by its route's id or label: the call's own route's, or another route's."""
    named = routes.find_route(value)
    if named == route:
        return own_queue(route)
    queue = Queue.objects.filter(route=named).select_related("route").first() if named else None
    if queue is None:
        raise ApiError(404, "unknown_queue", "There is no such queue.", "queue")
    return queue


def parse_agent(value: object) -> object:
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(username=value).first() if isinstance(value, str) else None
    if user is None:
        raise ApiError(404, "unknown_agent", "There is no such agent.", "agent")
    return user


def parse_caller(value: object) -> str:
    """The caller's number, E.164; a withheld number is null or ""."""
    if value in (None, ""):
        return ""
    try:
        return phone.to_e164(value if isinstance(value, str) else "")
    except ValidationError:
        message = "caller is the caller's number, E.164 (+4930123456), or null if withheld."
        raise ApiError(400, "invalid_caller", message, "caller") from None


def parse_pbx_call_id(value: object) -> str:
    if isinstance(value, str) and PBX_CALL_ID.match(value):
        return value
    message = "pbx_call_id is the PBX's own call id: 1-48 letters, digits or . _ : @ -"
    raise ApiError(400, "invalid_pbx_call_id", message, "pbx_call_id")
