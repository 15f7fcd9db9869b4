"""`Idempotency-Key` exactly as kallglot-api.md §1.6 describes it.

Same key + same request → the first successful response again (status and body). Same key +
a different request (method, path or JSON body) → 400 `idempotency_mismatch`. Same key while the
first request is still running → 409 `idempotency_conflict` with `Retry-After: 1`. Only
successes are remembered, so a failed first attempt can be retried with its key. Keys live
24 hours; the scope is the one organisation the sandbox has.
"""

from __future__ import annotations

import hashlib
import json
import time

from django.http import HttpRequest, HttpResponse

from kallglot_sandbox.errors import ApiError
from kallglot_sandbox.state import IdempotencyRecord, store

TTL_S = 24 * 3600


def fingerprint(request: HttpRequest) -> str:
    """What "the same request" means: method, path and the JSON body ignoring key order."""
    raw = request.body
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        body = raw
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode() + body)
    return digest.hexdigest()


def claim(key: str, request: HttpRequest) -> HttpResponse | None:
    """None: go ahead (the key is now in flight). A response: replay it. Or raise 400/409."""
    now = time.time()
    record = store.idempotency.get(key)
    if record is not None and now - record.created_at > TTL_S:
        record = None
    if record is None:
        store.idempotency[key] = IdempotencyRecord(fingerprint(request), now)
        return None
    if record.fingerprint != fingerprint(request):
        raise ApiError(
            400,
            "idempotency_mismatch",
            "This Idempotency-Key was used with a different request.",
            type="invalid_request_error",
        )
    if record.status is None:
        raise ApiError(
            409,
            "idempotency_conflict",
            "A request with this Idempotency-Key is still being processed.",
            retry_after=1,
        )
    replay = HttpResponse(record.body, status=record.status, content_type="application/json")
    replay["Idempotent-Replayed"] = "true"
    return replay


def settle(key: str, response: HttpResponse | None) -> None:
    """Remember a success for replay; forget the key after a failure."""
    record = store.idempotency.get(key)
    if record is None or record.status is not None:
        return
    if response is not None and 200 <= response.status_code < 300:
        record.status, record.body = response.status_code, response.content
    else:
        del store.idempotency[key]
