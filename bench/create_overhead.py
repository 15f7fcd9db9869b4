"""Session-create overhead: what a create through the app costs beyond a direct create at the
same sandbox, against what the bare forwarder (`forwarder.py`) costs beyond it.

The sandbox runs in a process of its own, as Kallglot does: in the app's process its work
(and its webhooks' delivery) would be counted as the app's. Each create makes the sandbox
send the app a `session.created` webhook, as Kallglot does. The agent has a year of ended
calls behind them: a create must not get slower with an agent's history.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import harness
import httpx
from django.utils import timezone

RUNS = 200
HISTORY = 20_000  # about a year of one agent's calls
USER = "bench-agent"


def measure() -> None:
    give_history(harness.make_user(USER))
    app, sandbox = harness.start_with_own_sandbox()
    forwarder = harness.start_floor("forwarder", **harness.sandbox_env(sandbox))
    try:
        median = medians(clients(app, sandbox, forwarder))
    finally:
        harness.stop(app, sandbox, forwarder)
    overhead, floor = median["app"] - median["direct"], median["forwarder"] - median["direct"]
    harness.compare(f"session-create overhead, median of {RUNS}", overhead, floor, "ms", 2.5)
    detail = ", ".join(f"{name} {value:.2f}" for name, value in median.items())
    harness.inform("each create's median (ms)", detail)


def clients(
    app: harness.Server, sandbox: harness.Server, forwarder: harness.Server
) -> dict[str, tuple[httpx.Client, str]]:
    """Each path's client and the path it POSTs a create to."""
    return {
        "direct": (direct_client(sandbox), "/sessions"),
        "app": (harness.signed_in(app, USER), "/api/sessions"),
        "forwarder": (httpx.Client(base_url=forwarder.url, timeout=30), "/"),
    }


def medians(paths: dict[str, tuple[httpx.Client, str]]) -> dict[str, float]:
    """Each path's median create time (ms), RUNS rounds of one create each, after a warm-up."""
    for _ in range(10):
        for client, path in paths.values():
            timed(client, path)
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(RUNS):
        for name, (client, path) in paths.items():
            times[name].append(timed(client, path))
    return {name: harness.median(values) for name, values in times.items()}


def give_history(agent: object) -> None:
    """HISTORY ended calls of `agent`, twenty minutes apart, the newest a day old."""
    from sessions_app.models import CallSession

    if CallSession.objects.filter(agent=agent, idempotency_key="past-0").exists():
        return
    day_ago = timezone.now() - timedelta(days=1)
    calls = (
        CallSession(
            kallglot_id=f"sess_past{i}",
            agent=agent,
            mode=harness.CREATE_BODY["mode"],
            status="ended",
            idempotency_key=f"past-{i}",
            created_at=day_ago - timedelta(minutes=20 * i),
        )
        for i in range(HISTORY)
    )
    CallSession.objects.bulk_create(calls, batch_size=2000)


def direct_client(sandbox: harness.Server) -> httpx.Client:
    headers = {"Authorization": f"Bearer {harness.sandbox_key()}"}
    return httpx.Client(base_url=f"{sandbox.url}/v1", headers=headers, timeout=30)


def timed(client: httpx.Client, path: str) -> float:
    """One create's time in ms, with a fresh Idempotency-Key as each Start click has."""
    start = time.perf_counter()
    response = client.post(
        path, json=harness.CREATE_BODY, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 201:
        raise RuntimeError(f"create answered {response.status_code}: {response.text[:200]}")
    return elapsed
