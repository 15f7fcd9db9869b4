"""Signed webhook deliveries for tests: real HMAC-SHA256, computed here independently."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time

from django.conf import settings
from django.test import Client

counter = itertools.count(1)


def sign(body: bytes, secret: str | None = None, t: int | None = None) -> str:
    t = int(time.time()) if t is None else t
    key = (secret or settings.KALLGLOT_WEBHOOK_SECRET).encode()
    digest = hmac.new(key, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def envelope(event_type: str, data: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test{next(counter):06d}",
        "type": event_type,
        "api_version": "v1",
        "created_at": "2026-03-26T11:00:00Z",
        "data": data,
    }


def session_data(kallglot_id: str, status: str, **extra: object) -> dict:
    return {"id": kallglot_id, "object": "session", "status": status} | extra


def deliver(client: Client, payload: dict | bytes, signature: str | None = "sign") -> object:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {}
    if signature == "sign":
        headers["HTTP_KALLGLOT_SIGNATURE"] = sign(body)
    elif signature is not None:
        headers["HTTP_KALLGLOT_SIGNATURE"] = signature
    return client.post("/webhooks/kallglot", body, content_type="application/json", **headers)
