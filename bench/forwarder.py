"""The floor under the create figure: Daphne and one forwarded HTTP hop, nothing else.

A bare ASGI application, served by the same Daphne as the app: it passes each POST body to
`$KALLGLOT_API_BASE/sessions` with one long-lived `httpx.AsyncClient` and answers with what
came back. No Django, no sign-in, no database, no thread. Whatever a create through the app
costs beyond this forwarder is the app's own work (`create_overhead.py`).
"""

from __future__ import annotations

import os

import httpx

from bench.asgi_bits import Receive, Send, read_body, respond

_client: httpx.AsyncClient | None = None


async def application(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if scope["method"] == "POST":
        status, content = await forward(scope, body)
    else:  # the harness's readiness probe
        status, content = 200, b"{}"
    await respond(send, status, content)


async def forward(scope: dict, body: bytes) -> tuple[int, bytes]:
    """The sandbox's answer to a create with this body and the request's Idempotency-Key."""
    key = dict(scope["headers"]).get(b"idempotency-key", b"").decode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    response = await client().post("/sessions", content=body, headers=headers)
    return response.status_code, response.content


def client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        base, key = os.environ["KALLGLOT_API_BASE"], os.environ["KALLGLOT_API_KEY"]
        _client = httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
    return _client
