"""The floor under the create figure: Daphne and one forwarded HTTP hop, nothing else.

A bare ASGI application, served by the same Daphne as the app: it passes each POST body to
`$KALLGLOT_API_BASE/sessions` with one long-lived `httpx.AsyncClient` and answers with what
came back. No Django, no sign-in, no database, no thread. Whatever a create through the app
costs beyond this forwarder is the app's own work; what this costs beyond the direct create
is the price of any server in between on this machine (`create_overhead.py`).
"""

from __future__ import annotations

import os

import httpx

_client: httpx.AsyncClient | None = None


async def application(scope: dict, receive: object, send: object) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if scope["method"] == "POST":
        response = await client().post("/sessions", content=body, headers=passed_on(scope))
        status, content = response.status_code, response.content
    else:  # the harness's readiness probe
        status, content = 200, b"{}"
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


async def read_body(receive: object) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def passed_on(scope: dict) -> dict[str, str]:
    headers = dict(scope["headers"])
    return {
        "Content-Type": "application/json",
        "Idempotency-Key": headers.get(b"idempotency-key", b"").decode(),
    }


def client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        base, key = os.environ["KALLGLOT_API_BASE"], os.environ["KALLGLOT_API_KEY"]
        _client = httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30
        )
    return _client
