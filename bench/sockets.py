"""2,000 status sockets on one worker: one broadcast reaches all within 1 s, RSS stays small."""

from __future__ import annotations

import asyncio
import time

import websockets
from harness import Server, report, signed_webhook, status_socket

SOCKETS = 2000


async def run(server: Server, session: object, socket_path: str) -> tuple[float, int]:
    url = f"{server.ws_url}{socket_path}"
    sockets = []
    for batch in range(0, SOCKETS, 100):
        opened = await asyncio.gather(
            *(websockets.connect(url, origin=server.url, open_timeout=30) for _ in range(100))
        )
        await asyncio.gather(*(s.recv() for s in opened))  # snapshots
        sockets += opened
        del batch
    body, headers = signed_webhook(
        {
            "id": f"evt_broadcast{int(time.time() * 1000)}",
            "type": "session.started",
            "api_version": "v1",
            "created_at": "2026-03-26T11:00:00Z",
            "data": {
                "id": session.kallglot_id,
                "object": "session",
                "status": "active",
                "started_at": "2026-03-26T11:00:15Z",
            },
        }
    )
    import httpx

    start = time.perf_counter()
    async with httpx.AsyncClient() as client:
        await client.post(f"{server.url}/webhooks/kallglot", content=body, headers=headers)
    await asyncio.gather(*(s.recv() for s in sockets))
    elapsed = time.perf_counter() - start
    rss = server.rss_mb()
    await asyncio.gather(*(s.close() for s in sockets))
    return elapsed, rss


def measure(server: Server, agent: object) -> None:
    from sessions_app.models import CallSession

    session = CallSession.objects.create(
        kallglot_id="sess_BROADCAST1", agent=agent, mode="ai_agent"
    )
    socket_path = status_socket(server, agent.get_username(), session)
    elapsed, rss = asyncio.run(run(server, session, socket_path))
    report(
        f"{SOCKETS} status sockets, one broadcast reaches all",
        f"{elapsed * 1000:.0f} ms",
        "<= 1 s",
        elapsed <= 1,
    )
    report(f"  worker RSS with {SOCKETS} sockets open", f"{rss:.0f} MB", "<= 300 MB", rss <= 300)
