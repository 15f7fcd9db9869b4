"""Redis stopped and started again: webhooks are still stored and applied meanwhile, and a
status socket that reconnects afterwards catches up on everything it missed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time

import httpx
import pytest
import websockets

from sessions_app.models import CallSession, WebhookEvent
from tests.conftest import free_port, start_daphne, status_socket
from tests.webhooks.helpers import envelope, session_data, sign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


class Redis:
    """A Redis server of the test's own, so stopping it disturbs nothing else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout
            != b"PONG\n"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


@pytest.fixture
def redis_and_workers(django_db_setup, tmp_path):
    redis = Redis()
    redis.start()
    workers = [start_daphne(tmp_path, REDIS_URL=redis.url) for _ in range(2)]
    yield redis, workers
    for worker in workers:
        worker.stop()
    redis.stop()


def post(worker, event: dict) -> httpx.Response:
    body = json.dumps(event).encode()
    headers = {"Kallglot-Signature": sign(body), "Content-Type": "application/json"}
    return httpx.post(f"{worker.url}/webhooks/kallglot", content=body, headers=headers, timeout=20)


async def events_on(url: str, origin: str, count: int) -> list[dict]:
    async with websockets.connect(url, origin=origin) as socket:
        received = []
        while len(received) < count:
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
            if message["type"] == "event":
                received.append(message)
        return received


def test_webhooks_apply_through_a_redis_outage_and_sockets_resync(redis_and_workers, alice):
    redis, (receiver, holder) = redis_and_workers
    session = CallSession.objects.create(kallglot_id="sess_RD1", agent=alice, mode="ai_agent")
    started = session_data("sess_RD1", "active", started_at="2026-03-26T11:00:15Z")
    ended = session_data("sess_RD1", "ended", started_at="2026-03-26T11:00:15Z",
                         ended_at="2026-03-26T11:01:15Z", duration=60.0)  # fmt: skip

    assert post(receiver, envelope("session.started", started)).status_code == 200
    redis.stop()
    during = post(receiver, envelope("session.ended", ended))
    health = httpx.get(f"{receiver.url}/healthz", timeout=20)
    redis.start()

    assert during.status_code == 200
    assert health.status_code == 503
    assert health.json() == {"db": "ok", "channel_layer": "error"}
    assert WebhookEvent.objects.filter(outcome="applied").count() == 2
    session.refresh_from_db()
    assert session.status == "ended"
    # As the page does, with a fresh ticket: tickets are bound to a sign-in through the cache.
    socket_path = status_socket(holder, "alice", session)
    caught_up = asyncio.run(events_on(f"{holder.ws_url}{socket_path}&after=0", holder.url, 2))
    assert [e["kind"] for e in caught_up] == ["session.started", "session.ended"]
