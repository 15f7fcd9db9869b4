"""Clicks that arrive together, while Kallglot is slow to create each call, cannot start more
calls than an agent's limits allow: the limits hold when the creates overlap, not only when
they come one after another."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sessions_app.models import CallSession
from tests.conftest import WEBHOOK_SINK, LiveServer, SandboxControl, start_daphne
from tests.live_agents import signed_in, start_call

pytestmark = pytest.mark.django_db(transaction=True)

CLICKS = 12


@pytest.fixture
def serve(django_db_setup: None, tmp_path) -> Iterator[Callable[..., LiveServer]]:
    """Start a Daphne server of the test's own, with the limits the test sets in its env."""
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = start_daphne(tmp_path, KALLGLOT_SANDBOX_WEBHOOK_URL=WEBHOOK_SINK, **env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def clicks_at_once(server: LiveServer, agent: object) -> list[httpx.Response]:
    """CLICKS creates, each with its own key, sent together while each create is slow upstream."""
    SandboxControl(server.sandbox_base).fault("sessions.create", 0, latency_ms=300, count=CLICKS)
    clients = [signed_in(server, agent) for _ in range(CLICKS)]
    together = threading.Barrier(CLICKS)

    def click(client: httpx.Client) -> httpx.Response:
        together.wait(timeout=30)
        return start_call(client, uuid.uuid4().hex)

    try:
        with ThreadPoolExecutor(max_workers=CLICKS) as pool:
            return list(pool.map(click, clients))
    finally:
        for client in clients:
            client.close()


def assert_started_only(
    allowed: int, responses: list[httpx.Response], server: LiveServer, agent: object, code: str
) -> None:
    statuses = Counter(response.status_code for response in responses)
    refused = [response for response in responses if response.status_code == 429]
    upstream = SandboxControl(server.sandbox_base).sessions()
    rows = CallSession.objects.filter(agent=agent)

    assert statuses == {201: allowed, 429: CLICKS - allowed}
    assert {response.json()["error"]["code"] for response in refused} == {code}
    assert all(response.headers.get("Retry-After") for response in refused)
    assert len(upstream) == allowed
    assert rows.count() == allowed
    assert {row.kallglot_id for row in rows} == {session["id"] for session in upstream}


def test_it_starts_no_more_open_calls_than_allowed(serve, alice):
    server = serve(MAX_LIVE_SESSIONS_PER_AGENT="3", SESSION_CREATE_PER_MINUTE="100")

    responses = clicks_at_once(server, alice)

    assert_started_only(3, responses, server, alice, "too_many_live_sessions")


def test_it_starts_no_more_calls_a_minute_than_allowed(serve, alice):
    server = serve(MAX_LIVE_SESSIONS_PER_AGENT="100", SESSION_CREATE_PER_MINUTE="4")

    responses = clicks_at_once(server, alice)

    assert_started_only(4, responses, server, alice, "rate_limited")
