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


def measure(server: Server, sandbox: Server) -> None:
    app = signed_in(server, "bench-agent")
    direct = httpx.Client(
        base_url=f"{sandbox.url}/v1",
        headers={"Authorization": "Bearer sk_test_sandbox"},
        timeout=30,
    )
    body = {"mode": "bidirectional_translation", "source_language": "en", "target_language": "es"}
    for _ in range(10):  # warm both paths up
        timed(direct, "/sessions", body)
        timed(app, "/api/sessions", body)
    app_times, direct_times = [], []
    for _ in range(RUNS):
        direct_times.append(timed(direct, "/sessions", body))
        app_times.append(timed(app, "/api/sessions", body))
    overhead = statistics.median(app_times) - statistics.median(direct_times)
    app_median, direct_median = statistics.median(app_times), statistics.median(direct_times)
    detail = f"{overhead:.2f} ms ({app_median:.2f} - {direct_median:.2f})"
    report(f"session-create overhead, median of {RUNS}", detail, "<= 5 ms", overhead <= 5)


def timed(client: httpx.Client, path: str, body: dict) -> float:
    start = time.perf_counter()
    response = client.post(path, json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 201, response.text
    return elapsed
