"""One broadcast to 2,000 status sockets on one worker, against one to 200; the worker's RSS.

One worker (its in-memory channel layer) and two calls: SOCKETS sockets watch one, FLOOR of
them the other. The worker's RSS is read once the 2,000 are open, before the 200 join. Each
broadcast is one `transcript.segment` webhook, timed from its POST until every socket of
that call has the event; broadcasts to the two calls alternate, ROUNDS each after a warm-up.
Linear would be 10x; the target allows 12x.
"""

from __future__ import annotations

import asyncio
import time

import harness
import httpx
import websockets

SOCKETS = 2000
FLOOR = 200
ROUNDS = 7
BATCH = 100  # sockets opened at once
USER = "bench-agent"


def measure() -> None:
    crowd, few = harness.make_calls(harness.make_user(USER), 2)
    server = harness.start()
    try:
        client = harness.signed_in(server, USER)
        times, idle, rss = asyncio.run(run(server, client, {"figure": crowd, "floor": few}))
    finally:
        server.stop()
    name = f"one broadcast to {SOCKETS} sockets vs {FLOOR}, median"
    harness.compare(name, harness.median(times["figure"]), harness.median(times["floor"]), "ms", 12)
    per_socket = rss * 1024 / SOCKETS
    harness.line(f"  worker RSS / {SOCKETS} sockets open", f"{per_socket:.0f} KB", "", "",
                 "<= 150 KB", per_socket <= 150)  # fmt: skip
    growth = (rss - idle) * 1024 / SOCKETS
    detail = f"{idle:.0f} MB idle, {rss:.0f} MB with them ({growth:.0f} KB more a socket)"
    harness.inform("worker RSS", detail)


async def run(
    server: harness.Server, client: httpx.Client, calls: dict[str, object]
) -> tuple[dict[str, list[float]], float, float]:
    """Each side's broadcast times (ms); the worker's RSS (MB) idle and with SOCKETS open."""
    idle = server.rss_mb()
    crowd = await open_sockets(server, client, calls["figure"], SOCKETS)
    rss = server.rss_mb()
    groups = {"figure": crowd, "floor": await open_sockets(server, client, calls["floor"], FLOOR)}
    times: dict[str, list[float]] = {"figure": [], "floor": []}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as poster:
        for number in range(ROUNDS + 1):
            for side in list(groups)[:: 1 if number % 2 else -1]:
                elapsed = await broadcast(poster, groups[side], calls[side].kallglot_id)
                if number:
                    times[side].append(elapsed)
    for sockets in groups.values():
        await asyncio.gather(*(socket.close() for socket in sockets))
    return times, idle, rss


async def open_sockets(
    server: harness.Server, client: httpx.Client, call: object, count: int
) -> list[websockets.ClientConnection]:
    """`count` status sockets of the call, each past its snapshot."""
    sockets: list[websockets.ClientConnection] = []
    while len(sockets) < count:
        url = server.ws_url + harness.status_socket(client, call.public_id)  # a fresh ticket
        batch = await asyncio.gather(
            *(websockets.connect(url, origin=server.url, open_timeout=60) for _ in range(BATCH))
        )
        await asyncio.gather(*(socket.recv() for socket in batch))
        sockets += batch
    return sockets


async def broadcast(
    poster: httpx.AsyncClient, sockets: list[websockets.ClientConnection], kallglot_id: str
) -> float:
    body, headers = harness.signed_webhook(harness.segment_event(kallglot_id))
    start = time.perf_counter()
    response = await poster.post("/webhooks/kallglot", content=body, headers=headers)
    response.raise_for_status()
    await asyncio.gather(*(socket.recv() for socket in sockets))
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
