"""Growth: the paths a year of calls could slow down, on a database with a year of calls,
against the same on the centre's first day (the same users, the same call being worked on).

The floor is the first day, not an empty database: each list then draws full pages on both
sides, so the ratio is what the other 364 days cost, not what drawing 100 rows instead of one
costs.

Two databases of the kind BENCH_DATABASE_URL names (SQLite files in the work dir by default;
on PostgreSQL two databases beside it, dropped and made afresh), seeded by `seed.py`: the
year is BENCH_GROWTH_CALLS calls (default 50,000; the target is set for 1,000,000, on
PostgreSQL) of 500 agents, with two webhook deliveries and two events each, written by
set-based SQL. Each database has its own app
server and sandbox; every path is requested on both in turn, RUNS times after a warm-up, and
the medians compared. Admin pages and the board are a supervisor's; the rest the agent's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import harness
import httpx
from websockets.sync.client import connect

CALLS = int(os.environ.get("BENCH_GROWTH_CALLS", "50000"))
RUNS = 7
WARMUP = 2


@dataclass
class Side:
    app: harness.Server
    sandbox: harness.Server
    agent: httpx.Client
    supervisor: httpx.Client
    kallglot: httpx.Client  # not signed in, as Kallglot's webhooks come
    working: dict[str, str]


def measure() -> None:
    year_url, day_url = databases()
    began = time.monotonic()
    year, day = seed(year_url, CALLS, 365), seed(day_url, CALLS // 365, 1)
    seeding = time.monotonic() - began
    sides = {"year": start_side(year_url, year), "day": start_side(day_url, day)}
    try:
        name = f"growth: a year of calls / the first day, median of {RUNS}"
        harness.line(name, "year", "day", "", "<= 1.3x each")
        for name, probe in PROBES.items():
            times = compare_probe(probe, sides)
            harness.compare(f"  {name}", times["year"], times["day"], "ms", 1.3)
    finally:
        for side in sides.values():
            harness.stop(side.app, side.sandbox)
    rows = f"{CALLS} calls, {2 * CALLS} deliveries, {2 * CALLS} events"
    harness.inform("the year", f"{rows} ({CALLS // 365} the first day), seeded in {seeding:.0f} s")


def databases() -> tuple[str, str]:
    """The URLs of the two databases: a year of calls, and a day."""
    if harness.DATABASE_URL.startswith("sqlite"):
        year, day = (harness.WORKDIR / f"growth-{name}.sqlite3" for name in ("year", "day"))
        return f"sqlite:///{year}", f"sqlite:///{day}"
    return fresh_postgres("growth_year"), fresh_postgres("growth_day")


def fresh_postgres(suffix: str) -> str:
    """An empty PostgreSQL database beside BENCH_DATABASE_URL's, named with `suffix`."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(harness.DATABASE_URL)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return parts._replace(path=f"/{name}").geturl()


def seed(database_url: str, calls: int, days: int) -> dict[str, str]:
    """Runs `seed.py` on the database (a process of its own: Django has one database here)."""
    script = str(harness.ROOT / "bench" / "seed.py")
    done = subprocess.run(
        [sys.executable, script, database_url, str(calls), str(days)],
        cwd=harness.ROOT, capture_output=True, text=True, check=True, timeout=3600,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_side(database_url: str, working: dict[str, str]) -> Side:
    app, sandbox = harness.start_with_own_sandbox(DATABASE_URL=database_url)
    agent = harness.signed_in(app, "bench-agent")
    supervisor = harness.signed_in(app, "bench-supervisor")
    kallglot = httpx.Client(base_url=app.url, timeout=60)
    return Side(app, sandbox, agent, supervisor, kallglot, working)


def compare_probe(probe: Callable[[Side], float], sides: dict[str, Side]) -> dict[str, float]:
    """Each side's median time (ms) for the probe, the sides taking turns."""
    for _ in range(WARMUP):
        for side in sides.values():
            probe(side)
    times: dict[str, list[float]] = {name: [] for name in sides}
    for number in range(RUNS):
        for name in list(sides)[:: 1 if number % 2 else -1]:
            times[name].append(probe(sides[name]))
    return {name: harness.median(values) for name, values in times.items()}


def timed(send: Callable[..., httpx.Response], path: str, status: int = 200, **kw: object) -> float:
    start = time.perf_counter()
    response = send(path, **kw)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != status:
        raise RuntimeError(f"{path} answered {response.status_code}, not {status}")
    return elapsed


def create(side: Side) -> float:
    key = {"Idempotency-Key": uuid.uuid4().hex}
    return timed(side.agent.post, "/api/sessions", 201, json=harness.CREATE_BODY, headers=key)


def webhook_apply(side: Side) -> float:
    body, headers = harness.signed_webhook(harness.segment_event(side.working["kallglot_id"]))
    return timed(side.kallglot.post, "/webhooks/kallglot", content=body, headers=headers)


def board_list(side: Side) -> float:
    """The board's socket, from opening until its list of open calls arrives."""
    path = side.supervisor.get("/supervisor/socket").json()["socket"]
    start = time.perf_counter()
    with connect(side.app.ws_url + path, origin=side.app.url) as socket:
        if json.loads(socket.recv(timeout=60))["type"] != "board":
            raise RuntimeError("the board's socket did not start with its list")
    return (time.perf_counter() - start) * 1000


def get(who: str, path: str, search: str = "") -> Callable[[Side], float]:
    """A probe that GETs `path` (formatted with the working call's ids) as `who`, the agent
    or the supervisor; with `search`, the working call's value of that name as `?q=`."""

    def probe(side: Side) -> float:
        params = {"q": side.working[search]} if search else None
        return timed(getattr(side, who).get, path.format(**side.working), params=params)

    return probe


ADMIN_CALLS = "/admin/sessions_app/callsession/"
ADMIN_DELIVERIES = "/admin/sessions_app/webhookevent/"
PROBES: dict[str, Callable[[Side], float]] = {
    "create": create,
    "webhook apply": webhook_apply,
    "call API GET": get("agent", "/api/sessions/{public_id}"),
    "history": get("agent", "/sessions/"),
    "history search (a customer id)": get("agent", "/sessions/", "customer_id"),
    "history, a supervisor's (every agent's calls)": get("supervisor", "/sessions/"),
    "board page": get("supervisor", "/supervisor/"),
    "board socket's list of open calls": board_list,
    "admin calls": get("supervisor", ADMIN_CALLS),
    "admin calls search (a customer id)": get("supervisor", ADMIN_CALLS, "customer_id"),
    "admin webhook deliveries": get("supervisor", ADMIN_DELIVERIES),
    "admin webhook deliveries search": get("supervisor", ADMIN_DELIVERIES, "delivery"),
}


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
