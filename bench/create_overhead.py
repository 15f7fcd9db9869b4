"""Session-create overhead: POST /api/sessions minus a direct POST /v1/sessions, same sandbox.

The sandbox runs in a process of its own, as Kallglot does: in the app's process its work
(and its webhooks' delivery) would be counted as the app's. The agent has a year of ended
calls behind them, as the console's agents do: a create must not get slower with an agent's
history (with an empty table a create that read every call of the agent measured as fast).
"""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta

import httpx
from django.utils import timezone
from harness import SANDBOX_KEY, Server, inform, report, signed_in

RUNS = 200
HISTORY = 20_000  # about a year of an agent's calls
BODY = {"mode": "bidirectional_translation", "source_language": "en", "target_language": "es"}


def measure(server: Server, sandbox: Server, forwarder: Server) -> None:
    """The app's create against the direct one; the bare forwarder's beside it, as its floor."""
    paths = {
        "direct": (direct_client(sandbox), "/sessions"),
        "app": (signed_in(server, "bench-agent"), "/api/sessions"),
        "forwarder": (httpx.Client(base_url=forwarder.url, timeout=30), "/"),
    }
    for _ in range(10):  # warm every path up
        for client, path in paths.values():
            timed(client, path)
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(RUNS):
        for name, (client, path) in paths.items():
            times[name].append(timed(client, path))
    median = {name: statistics.median(values) for name, values in times.items()}
    overhead = median["app"] - median["direct"]
    detail = f"{overhead:.2f} ms ({median['app']:.2f} - {median['direct']:.2f})"
    report(f"session-create overhead, median of {RUNS}", detail, "<= 5 ms", overhead <= 5)
    floor = median["forwarder"] - median["direct"]
    inform("  of it, Daphne + one forwarded hop (bench/forwarder.py)", f"{floor:.2f} ms")
    inform("  of it, the app's own work", f"{overhead - floor:.2f} ms")


def give_history(agent: object) -> None:
    """HISTORY ended calls of `agent`, twenty minutes apart, the newest a day old."""
    from sessions_app.models import CallSession

    day_ago = timezone.now() - timedelta(days=1)
    calls = (
        CallSession(
            kallglot_id=f"sess_past{i}",
            agent=agent,
            mode=BODY["mode"],
            status="ended",
            idempotency_key=f"past-{i}",
            created_at=day_ago - timedelta(minutes=20 * i),
        )
        for i in range(HISTORY)
    )
    CallSession.objects.bulk_create(calls, batch_size=2000)


def direct_client(sandbox: Server) -> httpx.Client:
    headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
    return httpx.Client(base_url=f"{sandbox.url}/v1", headers=headers, timeout=30)


def timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = client.post(path, json=BODY, headers={"Idempotency-Key": uuid.uuid4().hex})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 201, response.text
    return elapsed
