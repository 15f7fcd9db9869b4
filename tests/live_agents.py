"""Agents signed in to a live Daphne server, over real sockets, as the console's page is."""

from __future__ import annotations

import httpx

from tests.conftest import LiveServer, client_for


def signed_in(server: LiveServer, user: object) -> httpx.Client:
    """A client with `user`'s sign-in cookie and the CSRF token the console page sends."""
    session_cookie = client_for(user).cookies["sessionid"].value
    client = httpx.Client(base_url=server.url, cookies={"sessionid": session_cookie}, timeout=30)
    client.get("/").raise_for_status()  # the console page sets the CSRF cookie
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def start_call(client: httpx.Client, idempotency_key: str) -> httpx.Response:
    """What the console's Start button sends."""
    return client.post(
        "/api/sessions",
        json={"mode": "bidirectional_translation"},
        headers={"Idempotency-Key": idempotency_key},
    )
