"""Signed webhook deliveries with Kallglot's retry schedule (kallglot-api.md §4.2-§4.7).

Every event is POSTed from a background task through one long-lived httpx.AsyncClient.
First attempts of one session's events go out in the order they were emitted (each waits for
the previous one's first attempt), which makes `webhook_reorder` observable; retries run
independently. Injected faults: duplicates (the same event as a second delivery with its own
delivery id), drops (the first attempt is never sent; retries still happen) and reordering
(see lifecycle.py, which buffers a session's end-of-call events and emits them reversed).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from kallglot_sandbox.ids import iso, iso_ms, new_id
from kallglot_sandbox.state import store

logger = logging.getLogger(__name__)

SCHEDULE_S = (60, 300, 1800, 7200, 18000, 36000, 86400)  # delays before attempts 2..8
MAX_ATTEMPTS = 8
TIMEOUT_S = 30.0
LOG_LIMIT = 10000

_client: httpx.AsyncClient | None = None
_client_loop: asyncio.AbstractEventLoop | None = None


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    session_id: str
    created_at: float
    body: bytes


@dataclass(frozen=True)
class Delivery:
    id: str
    event: Event


def make_event(event_type: str, data: dict[str, Any], session_id: str) -> Event:
    """The §4.2 envelope, serialized once so every attempt signs the same bytes."""
    created = time.time()
    event_id = new_id("evt")
    envelope = {
        "id": event_id,
        "type": event_type,
        "api_version": "v1",
        "created_at": iso(created),
        "data": data,
    }
    body = json.dumps(envelope, separators=(",", ":")).encode()
    return Event(event_id, event_type, session_id, created, body)


def emit(event_type: str, data: dict[str, Any], session_id: str) -> Event:
    event = make_event(event_type, data, session_id)
    dispatch(event)
    return event


def dispatch(event: Event) -> None:
    """Queue the event's delivery (twice when the duplicate fault fires)."""
    copies = 2 if random.random() < store.config.webhook_duplicate_rate else 1
    for _ in range(copies):
        delivery = Delivery(new_id("wh_del"), event)
        previous = store.webhook_tails.get(event.session_id)
        first_done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        store.webhook_tails[event.session_id] = first_done
        store.spawn(_deliver(delivery, previous, first_done), name=f"webhook {delivery.id}")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """§4.5: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


async def _deliver(
    delivery: Delivery, previous: asyncio.Future[None] | None, first_done: asyncio.Future[None]
) -> None:
    try:
        if previous is not None:
            await previous
        dropped = random.random() < store.config.webhook_drop_rate
        done = _log_drop(delivery) if dropped else await _attempt(delivery, 1)
    finally:
        if not first_done.done():
            first_done.set_result(None)
        if store.webhook_tails.get(delivery.event.session_id) is first_done:
            del store.webhook_tails[delivery.event.session_id]
    attempt = 1
    while not done and attempt < MAX_ATTEMPTS:
        await asyncio.sleep(SCHEDULE_S[attempt - 1] * settings.KALLGLOT_SANDBOX_RETRY_SCALE)
        attempt += 1
        done = await _attempt(delivery, attempt)


async def _attempt(delivery: Delivery, attempt: int) -> bool:
    """One POST; True when no further attempt is due (2xx, or nowhere to send)."""
    url = store.config.webhook_url or settings.KALLGLOT_SANDBOX_WEBHOOK_URL
    if not url:
        _log(delivery, attempt, None, "no webhook url configured")
        return True
    event = delivery.event
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kallglot-Sandbox/1",
        "Kallglot-Signature": sign(settings.KALLGLOT_WEBHOOK_SECRET, int(time.time()), event.body),
        "Kallglot-Webhook-Id": delivery.id,
        "Kallglot-Retry-Count": str(attempt - 1),
        "Kallglot-Original-Timestamp": str(int(event.created_at)),
    }
    try:
        response = await http_client().post(url, content=event.body, headers=headers)
    except httpx.HTTPError as exc:
        _log(delivery, attempt, None, f"{type(exc).__name__}: {exc}", url)
        return False
    _log(delivery, attempt, response.status_code, None, url)
    return 200 <= response.status_code < 300


def http_client() -> httpx.AsyncClient:
    """One client per process (per event loop, should the loop ever change); the Twilio
    stand-in (twilio_http.py) shares it with its own timeout per request."""
    global _client, _client_loop
    loop = asyncio.get_running_loop()
    if _client is None or _client_loop is not loop:
        _client = httpx.AsyncClient(timeout=httpx.Timeout(TIMEOUT_S))
        _client_loop = loop
    return _client


def _log_drop(delivery: Delivery) -> bool:
    _log(delivery, 1, None, "dropped (fault injection)")
    return False


def _log(
    delivery: Delivery, attempt: int, status: int | None, error: str | None, url: str = ""
) -> None:
    if status is None or not 200 <= status < 300:
        logger.info("webhook %s attempt %d failed: %s", delivery.id, attempt, error or status)
    store.webhook_log.append(
        {
            "delivery_id": delivery.id,
            "event_id": delivery.event.id,
            "type": delivery.event.type,
            "session_id": delivery.event.session_id,
            "attempt": attempt,
            "retry_count": attempt - 1,
            "status_code": status,
            "error": error,
            "url": url,
            "at": iso_ms(time.time()),
        }
    )
    del store.webhook_log[:-LOG_LIMIT]
