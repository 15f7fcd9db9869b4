"""What every sandbox REST call goes through before and after its handler.

Order: request id → method → API key (401) → rate limit (429) → injected fault → idempotency
(replay / 400 mismatch / 409 in flight) → added latency → handler → response headers
(`X-Request-ID` always; credits and rate-limit headers once authenticated).
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from kallglot_sandbox import idempotency
from kallglot_sandbox.errors import ApiError
from kallglot_sandbox.ids import new_id
from kallglot_sandbox.state import Fault, store

logger = logging.getLogger(__name__)

ENDPOINTS = (
    "sessions.create",
    "sessions.retrieve",
    "sessions.end",
    "sessions.transcript",
    "sessions.recordings",
    "recordings.retrieve",
    "recordings.audio",
    "analysis.create",
    "analyses.retrieve",
)
RATE_WINDOW_S = 60


@dataclass
class Call:
    """One API request as handlers see it."""

    request: HttpRequest
    request_id: str
    idempotency_key: str | None = None

    def json(self) -> dict[str, Any] | None:
        """The JSON object body, None when empty; 400 `invalid_request` when not an object."""
        raw = self.request.body
        if not raw.strip():
            return None
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_request", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "The request body must be a JSON object.")
        return body

    def stream_url(self, session_id: str) -> str:
        """`ws(s)://<this host><mount prefix>sessions/<id>/connect`, wherever we are mounted."""
        return f"{self.stream_root()}sessions/{session_id}/connect"

    def stream_root(self) -> str:
        return stream_root(self.request)


def stream_root(request: HttpRequest) -> str:
    """`ws(s)://<this host><mount prefix>`: where this sandbox's stream URLs begin."""
    root = reverse("sandbox:root", urlconf=getattr(request, "urlconf", None))
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}{root}"


Handler = Callable[..., Awaitable[HttpResponse]]


def endpoint(
    name: str | None, *methods: str, idempotent: bool = False
) -> Callable[[Handler], Handler]:
    """Wrap a handler `(call, **url_kwargs) -> HttpResponse` in the request pipeline.

    `name` is the endpoint's fault-injection name; None marks the unmetered control API
    (authenticated, but no rate limit, faults, latency or credit headers).
    """

    def decorate(handler: Handler) -> Handler:
        @csrf_exempt
        @functools.wraps(handler)
        async def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            call = Call(request, new_id("req"))
            authenticated = False
            try:
                if request.method not in methods:
                    allowed = " or ".join(methods)
                    raise ApiError(405, "method_not_allowed", f"Use {allowed} on this URL.")
                authenticate(request)
                authenticated = name is not None
                response = await _run(call, name, idempotent, handler, kwargs)
            except ApiError as exc:
                response = error_response(exc, call.request_id)
            return _finish(response, call.request_id, authenticated)

        return view

    return decorate


def authenticate(request: HttpRequest) -> None:
    """`Authorization: Bearer <key>` or `X-API-Key: <key>`; only the configured key passes."""
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header[:7].lower() == "bearer " else ""
    key = key or request.headers.get("X-API-Key", "").strip()
    expected = settings.KALLGLOT_SANDBOX_API_KEY
    if not key or not hmac.compare_digest(key.encode(), expected.encode()):
        raise ApiError(401, "invalid_api_key", "Invalid or missing API key.")


def error_response(exc: ApiError, request_id: str) -> JsonResponse:
    response = JsonResponse(exc.envelope(request_id), status=exc.status)
    if exc.retry_after is not None:
        response["Retry-After"] = _seconds(exc.retry_after)
    return response


async def _run(
    call: Call, name: str | None, idempotent: bool, handler: Handler, kwargs: dict[str, Any]
) -> HttpResponse:
    if name is None:
        return await handler(call, **kwargs)
    _count_request()
    fault = _next_fault(name)
    if fault is not None and fault.status:
        await asyncio.sleep(fault.latency_ms / 1000)
        return _fault_response(fault, call.request_id)
    # Added latency runs while the idempotency key is held, as slow work would.
    delay = store.config.latency_ms + (fault.latency_ms if fault is not None else 0)
    key = call.request.headers.get("Idempotency-Key") if idempotent else None
    if not key:
        await _wait(delay)
        return await handler(call, **kwargs)
    call.idempotency_key = key
    replay = idempotency.claim(key, call.request)
    if replay is not None:
        return replay
    response = None
    try:
        await _wait(delay)
        response = await handler(call, **kwargs)
    finally:
        idempotency.settle(key, response)
    return response


async def _wait(delay_ms: float) -> None:
    """Added latency. A request still waiting when the sandbox is reset belongs to the sandbox
    that was: it changes nothing in the new one (a test's slow create must not create a call,
    and send its webhooks, in the next test)."""
    resets = store.resets
    await asyncio.sleep(delay_ms / 1000)
    if store.resets != resets:
        raise ApiError(
            503, "service_unavailable", "The sandbox was reset while this request waited."
        )


def _count_request() -> None:
    """A fixed one-minute window shared by all metered endpoints (D25: configurable limit)."""
    now = time.time()
    if now - store.rate_window_start >= RATE_WINDOW_S:
        store.rate_window_start, store.rate_count = now, 0
    store.rate_count += 1
    if store.rate_count > store.config.rate_limit_per_minute:
        wait = max(1, math.ceil(store.rate_window_start + RATE_WINDOW_S - now))
        raise ApiError(
            429,
            "rate_limit_exceeded",
            f"You have exceeded the rate limit. Please retry after {wait} seconds.",
            retry_after=wait,
        )


def _next_fault(name: str) -> Fault | None:
    queue = store.faults.get(name)
    return queue.popleft() if queue else None


def _fault_response(fault: Fault, request_id: str) -> HttpResponse:
    if fault.body is None:
        exc = ApiError(fault.status, fault.code, fault.message, retry_after=fault.retry_after)
        return error_response(exc, request_id)
    kind = "text/html" if fault.body.lstrip().startswith("<") else "text/plain"
    response = HttpResponse(fault.body, status=fault.status, content_type=f"{kind}; charset=utf-8")
    if fault.retry_after is not None:
        response["Retry-After"] = _seconds(fault.retry_after)
    return response


def _finish(response: HttpResponse, request_id: str, authenticated: bool) -> HttpResponse:
    response["X-Request-ID"] = request_id
    if authenticated:
        response["X-API-Credits-Remaining"] = str(store.config.credits)
        response["X-API-Credits-Used"] = str(store.credits_used)
        limit = store.config.rate_limit_per_minute
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, limit - store.rate_count))
        response["X-RateLimit-Reset"] = str(math.ceil(store.rate_window_start + RATE_WINDOW_S))
    return response


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
