"""Two configurations side by side, samples interleaved, so the machine's drift hits both.

    python bench/ab.py ingest RUNNING_REQUESTS=1 -- RUNNING_REQUESTS=0
    python bench/ab.py create RUNNING_REQUESTS=1 -- RUNNING_REQUESTS=0

Each side is its own worker (for `create`, with a sandbox process of its own) started with
the given environment; `create` prints each side's overhead, `ingest` each side's rate and
the worker's CPU time per webhook (from /proc), which drifts less than a rate. Run it twice
with the sides swapped before believing a difference.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time

import create_overhead
import harness
import webhooks

ROUNDS = int(os.environ.get("AB_ROUNDS", "6"))
BATCH = 600


def ingest(sides: list[dict[str, str]], agent: object) -> None:
    servers = [harness.start(**env) for env in sides]
    sessions = webhooks.make_sessions(agent, 20)
    rates: list[list[float]] = [[], []]
    cpu: list[list[float]] = [[], []]
    try:
        for round_number in range(ROUNDS):
            for i, server in enumerate(servers):
                events = [webhooks.segment(sessions[k % 20]) for k in range(BATCH)]
                before, start = server.cpu_seconds(), time.perf_counter()
                asyncio.run(webhooks.post_all(f"{server.url}/webhooks/kallglot", events))
                elapsed = time.perf_counter() - start
                if round_number:  # the first round warms up
                    rates[i].append(BATCH / elapsed)
                    cpu[i].append((server.cpu_seconds() - before) * 1000 / BATCH)
    finally:
        for server in servers:
            server.stop()
    for name, env, rate, ms in zip("AB", sides, rates, cpu, strict=True):
        print(f"{name} {env}: {statistics.median(rate):.0f} events/s, "
              f"worker CPU {statistics.median(ms):.2f} ms/webhook")  # fmt: skip


def create(sides: list[dict[str, str]]) -> None:
    pairs = [harness.start_with_own_sandbox(**env) for env in sides]
    times: list[tuple[list[float], list[float]]] = [([], []), ([], [])]
    try:
        clients = [
            (harness.signed_in(app, "bench-agent"), create_overhead.direct_client(sandbox))
            for app, sandbox in pairs
        ]
        for _ in range(10):  # warm up
            for app_client, direct in clients:
                create_overhead.timed(direct, "/sessions")
                create_overhead.timed(app_client, "/api/sessions")
        for _ in range(create_overhead.RUNS):
            for i, (app_client, direct) in enumerate(clients):
                times[i][0].append(create_overhead.timed(direct, "/sessions"))
                times[i][1].append(create_overhead.timed(app_client, "/api/sessions"))
    finally:
        for app, sandbox in pairs:
            app.stop()
            sandbox.stop()
    for name, env, (direct_ms, app_ms) in zip("AB", sides, times, strict=True):
        app_median, direct_median = statistics.median(app_ms), statistics.median(direct_ms)
        print(f"{name} {env}: overhead {app_median - direct_median:.2f} ms "
              f"({app_median:.2f} - {direct_median:.2f})")  # fmt: skip


def parse_sides(args: list[str]) -> list[dict[str, str]]:
    split = args.index("--") if "--" in args else len(args)
    return [dict(arg.split("=", 1) for arg in side) for side in (args[:split], args[split + 1 :])]


if __name__ == "__main__":
    harness.setup_django()
    agent = harness.make_user("bench-agent")
    what, sides = sys.argv[1], parse_sides(sys.argv[2:])
    if what == "create":
        create_overhead.give_history(agent)
        create(sides)
    else:
        ingest(sides, agent)
