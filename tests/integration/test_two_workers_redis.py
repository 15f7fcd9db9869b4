"""With REDIS_URL set, a webhook received by one Daphne worker reaches a socket on another."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest
import websockets

from sessions_app.models import CallSession
from tests.conftest import sign_in, start_daphne, status_socket
from tests.webhooks.helpers import envelope, session_data, sign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def workers(django_db_setup, tmp_path):
    pair = [start_daphne(tmp_path, REDIS_URL=REDIS_URL) for _ in range(2)]
    yield pair
    for worker in pair:
        worker.stop()


async def next_event(socket: websockets.ClientConnection) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        if message["type"] == "event":
            return message


async def test_a_webhook_on_one_worker_reaches_a_socket_on_the_other(workers, alice):
    receiver, holder = workers
    session = await CallSession.objects.acreate(
        kallglot_id="sess_REDIS1", agent=alice, mode="bidirectional_translation"
    )
    socket_path = status_socket(holder, "alice", session)
    url = f"{holder.ws_url}{socket_path}"
    body = json.dumps(
        envelope(
            "session.started",
            session_data("sess_REDIS1", "active", started_at="2026-03-26T11:00:15Z"),
        )
    ).encode()

    async with websockets.connect(url, origin=holder.url) as socket:
        snapshot = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
        assert snapshot["type"] == "snapshot"
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"{receiver.url}/webhooks/kallglot",
                content=body,
                headers={"Kallglot-Signature": sign(body), "Content-Type": "application/json"},
            )
        assert response.status_code == 200
        event = await next_event(socket)

    assert (event["seq"], event["kind"]) == (1, "session.started")
    await session.arefresh_from_db()
    assert session.status == "active"


def test_signing_out_on_one_worker_signs_out_on_the_other(workers, alice):
    # Sign-in sessions are cached: with REDIS_URL the cache is shared, so the worker that
    # did not see the sign-out does not go on trusting its cached copy.
    first, second = workers
    no_such_call = f"/api/sessions/{uuid.uuid4()}"  # 404 signed in, 401 signed out
    client = sign_in(first.url, "alice")
    assert client.get(no_such_call).status_code == 404
    cookies = dict(client.cookies)
    other = httpx.Client(base_url=second.url, cookies=cookies, timeout=10)
    assert other.get(no_such_call).status_code == 404
    response = other.post(
        "/accounts/logout/",
        headers={"X-CSRFToken": cookies["csrftoken"], "Referer": f"{second.url}/"},
    )
    assert response.status_code in (200, 302)
    assert client.get(no_such_call).status_code == 401
    client.close()
    other.close()
