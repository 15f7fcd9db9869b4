"""Webhook received -> status event at a WebSocket client: two workers and Redis, 100/s.

The webhooks go to one worker and the status sockets sit on the other, as behind a load
balancer, so every event crosses Redis (channels_redis' pub/sub layer, DB 6). The floor is the
same path through a bare receiver (`bare_publish.py`) that only publishes each event to the
call's group: the same sockets on the same worker receive it. Each webhook is timed from the
moment its bytes are written (`raw_http.py`) to its event's arrival on a socket. Blocks of
RATE webhooks, a second each, alternate between the app's receiver and the bare one.
"""

from __future__ import annotations

import asyncio
import json
import time

import harness
import websockets
from raw_http import RawPoster

BLOCKS = 10  # per side
RATE = 100  # webhooks per second
CALLS = 10
PATH = "/webhooks/kallglot"
USER = "bench-agent"


def measure() -> None:
    from sessions_app.relay import session_group

    calls = harness.make_calls(harness.make_user(USER), CALLS)
    groups = json.dumps({call.kallglot_id: session_group(call) for call in calls})
    redis = {"REDIS_URL": harness.REDIS_URL}
    receiver, holder = harness.start(**redis), harness.start(**redis)
    floor = harness.start_floor("bare_publish", BENCH_GROUPS=groups, **redis)
    try:
        client = harness.signed_in(holder, USER)
        paths = [harness.status_socket(client, call.public_id) for call in calls]
        receivers = {"app": receiver, "floor": floor}
        times = asyncio.run(run(holder, paths, receivers, [c.kallglot_id for c in calls]))
    finally:
        harness.stop(receiver, holder, floor)
    report(times)


def report(times: dict[str, list[float]]) -> None:
    p99 = {side: harness.percentile(values, 0.99) for side, values in times.items()}
    name = f"webhook -> status event p99, 2 workers + Redis, {RATE}/s"
    harness.compare(name, p99["app"], p99["floor"], "ms", 3)
    p50 = {side: harness.percentile(values, 0.5) for side, values in times.items()}
    harness.inform("p50", f"app {p50['app']:.1f} ms, bare {p50['floor']:.1f} ms")
    seen = ", ".join(f"{side} {len(values)}" for side, values in times.items())
    harness.inform(f"events seen on a socket, of {BLOCKS * RATE} each", seen)


async def run(
    holder: harness.Server, paths: list[str], receivers: dict[str, harness.Server], ids: list[str]
) -> dict[str, list[float]]:
    """Each side's times (ms) from a webhook written to its event on a socket."""
    sockets = [await websockets.connect(holder.ws_url + path, origin=holder.url) for path in paths]
    for socket in sockets:
        await socket.recv()  # the snapshot
    arrivals: dict[int, float] = {}
    listeners = [asyncio.create_task(listen(socket, arrivals)) for socket in sockets]
    posters = {side: RawPoster(server.port, PATH) for side, server in receivers.items()}
    sent: dict[str, dict[int, float]] = {side: {} for side in receivers}
    for poster in posters.values():
        await block(poster, ids, {})  # warm-up
    for number in range(BLOCKS):
        for side in list(posters)[:: 1 if number % 2 else -1]:
            await block(posters[side], ids, sent[side])
    await asyncio.sleep(1)  # the last events arrive
    for task in listeners:
        task.cancel()
    for socket in sockets:
        await socket.close()
    for poster in posters.values():
        poster.close()
    return {
        side: [(arrivals[key] - at) * 1000 for key, at in times.items() if key in arrivals]
        for side, times in sent.items()
    }


async def listen(socket: websockets.ClientConnection, arrivals: dict[int, float]) -> None:
    async for raw in socket:
        at = time.perf_counter()
        message = json.loads(raw)
        if message.get("type") == "event":
            arrivals.setdefault(message["data"]["sequence"], at)


async def block(poster: RawPoster, ids: list[str], sent: dict[int, float]) -> None:
    """RATE webhooks in one second, on a fixed schedule (each is sent whether or not the last
    was answered), for the calls in turn; each one's write time goes into `sent`."""
    start = time.perf_counter()
    tasks = []
    for i in range(RATE):
        event = harness.segment_event(ids[i % len(ids)])
        body, headers = harness.signed_webhook(event)
        tasks.append(asyncio.create_task(post(poster, body, headers, sent, event)))
        await asyncio.sleep(max(0.0, start + (i + 1) / RATE - time.perf_counter()))
    statuses = await asyncio.gather(*tasks)
    if set(statuses) != {200}:
        raise RuntimeError(f"webhooks answered {sorted(set(statuses))}")


async def post(
    poster: RawPoster, body: bytes, headers: dict[str, str], sent: dict[int, float], event: dict
) -> int:
    status, at = await poster.post(body, headers)
    sent[event["data"]["sequence"]] = at
    return status


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
