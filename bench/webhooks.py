"""Webhook ingest on one worker, and webhook-to-socket latency across two workers with Redis."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid

import httpx
import websockets
from harness import Server, percentile, report, signed_webhook, status_socket

EVENTS = 3000
DUPLICATES = 300
CONCURRENCY = 16
counter = itertools.count(1)


def make_sessions(agent: object, count: int) -> list[object]:
    from sessions_app.models import CallSession

    return [
        CallSession.objects.create(
            kallglot_id=f"sess_BENCH{uuid.uuid4().hex[:16].upper()}", agent=agent, mode="ai_agent"
        )
        for _ in range(count)
    ]


def segment(session: object) -> dict:
    n = next(counter)
    return {
        "id": f"evt_bench{n:08d}{uuid.uuid4().hex[:6]}",
        "type": "transcript.segment",
        "api_version": "v1",
        "created_at": "2026-03-26T11:00:00Z",
        "data": {
            "session_id": session.kallglot_id,
            "sequence": n,
            "speaker": "agent",
            "language": "en",
            "text": "Hello, how can I help you today?",
            "translation": {"language": "es", "text": "Hola, ¿cómo puedo ayudarle hoy?"},
        },
    }


async def post_all(url: str, events: list[dict]) -> list[int]:
    queue: asyncio.Queue = asyncio.Queue()
    for event in events:
        queue.put_nowait(event)
    statuses: list[int] = []
    async with httpx.AsyncClient(timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                body, headers = signed_webhook(queue.get_nowait())
                statuses.append((await client.post(url, content=body, headers=headers)).status_code)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return statuses


def ingest(server: Server, agent: object) -> None:
    from sessions_app.models import SessionEvent, WebhookEvent

    sessions = make_sessions(agent, 20)
    events = [segment(sessions[i % len(sessions)]) for i in range(EVENTS)]
    deliveries = events + events[:DUPLICATES]
    start = time.perf_counter()
    statuses = asyncio.run(post_all(f"{server.url}/webhooks/kallglot", deliveries))
    elapsed = time.perf_counter() - start
    rate = len(deliveries) / elapsed
    stored = WebhookEvent.objects.filter(event_id__startswith="evt_bench").count()
    applied = SessionEvent.objects.filter(session__in=sessions).count()
    exact = statuses.count(200) == len(deliveries) and stored == applied == EVENTS
    detail = f"{rate:.0f} events/s"
    report(
        f"webhook ingest, 1 worker ({len(deliveries)} incl. {DUPLICATES} dups)",
        detail,
        ">= 300/s",
        rate >= 300,
    )
    report("  none lost or doubled", f"{stored} stored, {applied} applied", f"{EVENTS} each", exact)


class RawPoster:
    """POSTs webhooks over kept-alive HTTP/1.1 connections, each timed from the moment its
    bytes are written: the figure is the server's, not an HTTP client library's (httpx
    spends about a millisecond of this process's time before a request leaves)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.all: list[asyncio.StreamWriter] = []

    async def post(
        self, body: bytes, headers: dict, sent: dict, key: str, statuses: list[int]
    ) -> None:
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.all.append(writer)
        lines = [
            "POST /webhooks/kallglot HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        sent[key] = time.perf_counter()
        writer.write(request)
        statuses.append(int((await reader.readline()).split()[1]))
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        self.idle.append((reader, writer))

    def close(self) -> None:
        for writer in self.all:
            writer.close()


async def latency_run(receiver: Server, holder: Server, sessions: list, paths: list) -> list:
    sent: dict[str, float] = {}
    latencies: list[float] = []
    sockets = []
    for path in paths:
        url = f"{holder.ws_url}{path}"
        socket = await websockets.connect(url, origin=holder.url)
        await socket.recv()  # the snapshot
        sockets.append(socket)

    async def listen(socket: websockets.ClientConnection) -> None:
        async for raw in socket:
            message = json.loads(raw)
            if message.get("type") == "event":
                key = f"{message['data']['sequence']}"
                latencies.append((time.perf_counter() - sent[key]) * 1000)

    listeners = [asyncio.create_task(listen(s)) for s in sockets]
    poster = RawPoster(receiver.port)
    posts = []
    statuses: list[int] = []
    for i in range(1000):  # 100 events/s for 10 s
        tick = time.perf_counter()
        event = segment(sessions[i % len(sessions)])
        body, headers = signed_webhook(event)
        key = str(event["data"]["sequence"])
        posts.append(asyncio.create_task(poster.post(body, headers, sent, key, statuses)))
        await asyncio.sleep(max(0, 0.01 - (time.perf_counter() - tick)))
    await asyncio.gather(*posts)
    await asyncio.sleep(1)
    poster.close()
    assert statuses == [200] * len(statuses), set(statuses)
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    return latencies


def latency(receiver: Server, holder: Server, agent: object) -> None:
    sessions = make_sessions(agent, 10)
    paths = [status_socket(holder, agent.get_username(), s) for s in sessions]
    values = asyncio.run(latency_run(receiver, holder, sessions, paths))
    p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
    report(
        f"webhook -> socket, 2 workers + Redis, 100/s ({len(values)}/1000 seen)",
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms",
        "p50 <= 5, p99 <= 25 ms",
        p50 <= 5 and p99 <= 25 and len(values) == 1000,
    )
