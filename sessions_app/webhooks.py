"""`POST /webhooks/kallglot`: the one CSRF-exempt POST, authenticated by its signature."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sessions_app import jsonin
from sessions_app.errors import error_response
from sessions_app.ingest import envelope_from, webhook_receive, webhook_refuse
from sessions_app.kallglot import KallglotError, verify_signature

logger = logging.getLogger(__name__)

# Failures that may pass: the database out of reach (or Kallglot, see `passing`). Any other
# failure to apply an event (data it cannot use, text the database refuses) would happen
# again on every delivery.
UNREACHABLE = (OperationalError, InterfaceError)


@csrf_exempt
def receive(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return error_response(405, "method_not_allowed", "Use POST here.")
    if declared_length(request) > settings.WEBHOOK_MAX_BODY_BYTES:
        return error_response(413, "body_too_large", "The webhook body is too large.")
    raw = request.body
    if len(raw) > settings.WEBHOOK_MAX_BODY_BYTES:
        return error_response(413, "body_too_large", "The webhook body is too large.")
    header = request.headers.get("Kallglot-Signature")
    if not header:
        return error_response(400, "missing_signature", "Kallglot-Signature is required.")
    secret = settings.KALLGLOT_WEBHOOK_SECRET
    if not verify_signature(raw, header, secret, tolerance=settings.WEBHOOK_TOLERANCE_SECONDS):
        logger.warning("webhook refused: bad or stale signature")
        return error_response(401, "invalid_signature", "The signature does not verify.")
    return store_and_apply(raw, dict(request.headers))


def store_and_apply(raw: bytes, headers: dict) -> JsonResponse:
    try:
        payload = jsonin.load(raw, max_bytes=settings.WEBHOOK_MAX_BODY_BYTES)
    except ValueError as exc:
        webhook_refuse(raw_body=raw, headers=headers, reason=f"Not readable JSON: {exc}.")
        return error_response(400, "invalid_json", "The webhook body is not readable JSON.")
    envelope = envelope_from(payload) if isinstance(payload, dict) else None
    if envelope is None:
        webhook_refuse(raw_body=raw, headers=headers, reason="No usable id, type or data.")
        return error_response(400, "invalid_event", "The event has no usable id, type or data.")
    try:
        outcome = webhook_receive(envelope=envelope, raw_body=raw, headers=headers)
    except Exception as exc:  # noqa: BLE001 - stored as failed, with its traceback
        return apply_failed(exc)
    return JsonResponse({"received": envelope.event_id, "outcome": outcome})


def apply_failed(exc: Exception) -> JsonResponse:
    """503 when delivering the event again may apply it; 422 when it never will."""
    if isinstance(exc, UNREACHABLE) or (isinstance(exc, KallglotError) and exc.retryable):
        return error_response(503, "apply_failed", "The event was stored but not applied yet.")
    message = "The event was stored but cannot be applied; it is kept for a supervisor."
    return error_response(422, "unprocessable_event", message)


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0
