"""Fairness: a signed-in agent's `GET /api/sessions/<id>` while FLOODERS clients flood the
sign-in page with wrong passwords, against the same GET with no flood.

One worker. Each flooding client (a thread of its own) fetches the sign-in page for its CSRF
token, then POSTs wrong passwords for an existing user, one after another: each costs the
worker a password hash. Phases without and with the flood alternate, ROUNDS each; in each
phase the agent sends GETs one after another for PHASE_S seconds (at least MIN_GETS).
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

import harness
import httpx

FLOODERS = 8
ROUNDS = 3
PHASE_S = 5.0
MIN_GETS = 5
MAX_GETS = 500
USER = "bench-agent"
VICTIM = "bench-victim"  # whose password the flood guesses


def measure() -> None:
    agent = harness.make_user(USER)
    harness.make_user(VICTIM)
    (call,) = harness.make_calls(agent, 1)
    server = harness.start()
    try:
        times, tried, seconds = phases(server, f"/api/sessions/{call.public_id}")
    finally:
        server.stop()
    p50 = {phase: harness.percentile(values, 0.5) for phase, values in times.items()}
    name = f"agent's GET under a sign-in flood ({FLOODERS} clients), p50"
    harness.compare(name, p50["flood"], p50["quiet"], "ms", 2)
    detail = f"{len(times['flood'])} under the flood, {len(times['quiet'])} without"
    harness.inform("GETs", detail)
    harness.inform("wrong passwords the flood tried", f"{tried} in {seconds:.0f} s")


def phases(server: harness.Server, path: str) -> tuple[dict[str, list[float]], int, float]:
    """The GETs' times (ms) without and with the flood; the passwords the flood tried, and in
    how many seconds."""
    client = harness.signed_in(server, USER)
    for _ in range(10):  # warm-up
        timed_get(client, path)
    times: dict[str, list[float]] = {"quiet": [], "flood": []}
    tried, seconds = 0, 0.0
    for _ in range(ROUNDS):
        times["quiet"] += gets(client, path)
        start = time.monotonic()
        with Flood(server) as flood:
            times["flood"] += gets(client, path)
        tried += len(flood.statuses)
        seconds += time.monotonic() - start
    return times, tried, seconds


def gets(client: httpx.Client, path: str) -> list[float]:
    times: list[float] = []
    start = time.monotonic()
    while len(times) < MIN_GETS or (time.monotonic() - start < PHASE_S and len(times) < MAX_GETS):
        times.append(timed_get(client, path))
    return times


def timed_get(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    response.raise_for_status()
    return elapsed


class Flood:
    """FLOODERS threads POSTing wrong passwords to the sign-in page until the block ends."""

    def __init__(self, server: harness.Server) -> None:
        self.server = server
        self.stop = threading.Event()
        self.statuses: list[int] = []
        self.threads = [threading.Thread(target=self.flood) for _ in range(FLOODERS)]

    def __enter__(self) -> Flood:
        for thread in self.threads:
            thread.start()
        time.sleep(0.5)  # every flooder has its token and a guess in flight
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType
    ) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        # A wrong password re-renders the form with its error (200); once the account or the
        # address is locked out, the sign-in answers 429 without hashing (django-axes).
        if set(self.statuses) - {200, 429}:
            raise RuntimeError(f"the sign-in answered {sorted(set(self.statuses))}")

    def flood(self) -> None:
        with httpx.Client(base_url=self.server.url, timeout=120) as client:
            client.get("/accounts/login/")
            form = {"username": VICTIM, "csrfmiddlewaretoken": client.cookies["csrftoken"]}
            referer = {"Referer": f"{self.server.url}/accounts/login/"}
            while not self.stop.is_set():
                guess = form | {"password": f"wrong-{len(self.statuses)}"}
                response = client.post("/accounts/login/", data=guess, headers=referer)
                self.statuses.append(response.status_code)


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
