"""`POST /webhooks/kallglot`: the one CSRF-exempt POST, authenticated by its signature."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sessions_app.errors import error_response
from sessions_app.ingest import envelope_from, webhook_receive
from sessions_app.kallglot import verify_signature

logger = logging.getLogger(__name__)


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
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "invalid_json", "The webhook body is not JSON.")
    envelope = envelope_from(payload) if isinstance(payload, dict) else None
    if envelope is None:
        return error_response(400, "invalid_event", "The event has no id or type.")
    try:
        outcome = webhook_receive(envelope=envelope, raw_body=raw, headers=headers)
    except Exception:  # noqa: BLE001 - stored as failed; a 5xx makes Kallglot retry
        return error_response(500, "apply_failed", "The event was stored but not applied.")
    return JsonResponse({"received": envelope.event_id, "outcome": outcome})


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return 0
