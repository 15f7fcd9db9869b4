"""Webhook ingest on one worker (verify, store, apply, relay; none lost or doubled), against a
bare receiver under the same Daphne that verifies each signature and stores the raw body
(`bare_ingest.py`).

Rounds alternate between the two, the order swapped each round; every round sends both the
same deliveries (BATCH signed `transcript.segment` events, then DUPLICATES of them again),
CONCURRENCY at a time over kept-alive connections (`raw_http.py`). The first round warms both
up. Then the app's database is checked: every event stored once and applied once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time

import harness
from raw_http import post_all

ROUNDS = 6
BATCH = 500
DUPLICATES = 50
CONCURRENCY = 16
PATH = "/webhooks/kallglot"
FLOOR_DB = harness.WORKDIR / "bare-ingest.sqlite3"

Deliveries = list[tuple[bytes, dict[str, str]]]


def measure() -> None:
    calls = harness.make_calls(harness.make_user("bench-agent"), 20)
    app = harness.start()
    floor = harness.start_floor("bare_ingest", BENCH_FLOOR_DB=str(FLOOR_DB))
    try:
        seconds, cpu = rounds({"app": app, "floor": floor}, calls)
    finally:
        harness.stop(app, floor)
    sent = (ROUNDS - 1) * (BATCH + DUPLICATES)
    rate = {side: sent / value for side, value in seconds.items()}
    harness.compare("webhook ingest, one worker", rate["app"], rate["floor"], "/s", 0.7,
                    at_least=True)  # fmt: skip
    per_delivery = {side: value * 1000 / sent for side, value in cpu.items()}
    detail = f"app {per_delivery['app']:.2f} ms, bare {per_delivery['floor']:.2f} ms"
    harness.inform("worker CPU per delivery", detail)
    check(calls)


def rounds(
    servers: dict[str, harness.Server], calls: list
) -> tuple[dict[str, float], dict[str, float]]:
    """Each side's seconds and its worker's CPU seconds over the rounds after the first."""
    seconds = dict.fromkeys(servers, 0.0)
    cpu = dict.fromkeys(servers, 0.0)
    for number in range(ROUNDS):
        deliveries = batch(calls)
        for side in list(servers)[:: 1 if number % 2 else -1]:
            server = servers[side]
            before, start = server.cpu_seconds(), time.perf_counter()
            send(server, deliveries)
            if number:
                seconds[side] += time.perf_counter() - start
                cpu[side] += server.cpu_seconds() - before
    return seconds, cpu


def batch(calls: list) -> Deliveries:
    events = [harness.segment_event(calls[i % len(calls)].kallglot_id) for i in range(BATCH)]
    return [harness.signed_webhook(event) for event in events + events[:DUPLICATES]]


def send(server: harness.Server, deliveries: Deliveries) -> None:
    statuses = asyncio.run(post_all(server.port, PATH, deliveries, CONCURRENCY))
    if statuses != [200] * len(deliveries):
        raise RuntimeError(f"{server.url} answered {sorted(set(statuses))}")


def check(calls: list) -> None:
    """Every event the app was sent stored once and applied once; the floor kept them all."""
    from sessions_app.models import SessionEvent, WebhookEvent

    ids = [call.kallglot_id for call in calls]
    stored = WebhookEvent.objects.filter(kallglot_session_id__in=ids).count()
    applied = SessionEvent.objects.filter(session__in=calls).count()
    expected = ROUNDS * BATCH
    ok = stored == applied == expected
    harness.line("  none lost or doubled (stored/applied)", f"{stored}/{applied}", "", "",
                 f"{expected} each", ok)  # fmt: skip
    with sqlite3.connect(FLOOR_DB) as floor:
        (kept,) = floor.execute("SELECT count(*) FROM delivery").fetchone()
    harness.inform("bare receiver's rows (every delivery, duplicates too)", str(kept))


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
