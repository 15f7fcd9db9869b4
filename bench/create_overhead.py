"""Session-create overhead: POST /api/sessions minus a direct POST /v1/sessions, same sandbox.

The sandbox runs in a process of its own, as Kallglot does: in the app's process its work
(and its webhooks' delivery) would be counted as the app's.
"""

from __future__ import annotations

import statistics
import time
import uuid

import httpx
from harness import Server, report, signed_in

RUNS = 200
BODY = {"mode": "bidirectional_translation", "source_language": "en", "target_language": "es"}


def measure(server: Server, sandbox: Server) -> None:
    app = signed_in(server, "bench-agent")
    direct = direct_client(sandbox)
    for _ in range(10):  # warm both paths up
        timed(direct, "/sessions")
        timed(app, "/api/sessions")
    app_times, direct_times = [], []
    for _ in range(RUNS):
        direct_times.append(timed(direct, "/sessions"))
        app_times.append(timed(app, "/api/sessions"))
    overhead = statistics.median(app_times) - statistics.median(direct_times)
    app_median, direct_median = statistics.median(app_times), statistics.median(direct_times)
    detail = f"{overhead:.2f} ms ({app_median:.2f} - {direct_median:.2f})"
    report(f"session-create overhead, median of {RUNS}", detail, "<= 5 ms", overhead <= 5)


def direct_client(sandbox: Server) -> httpx.Client:
    headers = {"Authorization": "Bearer sk_test_sandbox"}
    return httpx.Client(base_url=f"{sandbox.url}/v1", headers=headers, timeout=30)


def timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = client.post(path, json=BODY, headers={"Idempotency-Key": uuid.uuid4().hex})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 201, response.text
    return elapsed
