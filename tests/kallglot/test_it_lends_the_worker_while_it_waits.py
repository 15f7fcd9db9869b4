"""While the client waits on Kallglot, or between attempts, its web worker serves others."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.kallglot.conftest import SESSION, Upstream, error_response, json_response


class Waits:
    """A `waiting` hook that records what happened inside it."""

    def __init__(self) -> None:
        self.inside = False
        self.seen: list[str] = []

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.inside = True
        try:
            yield
        finally:
            self.inside = False


def test_each_attempt_and_each_pause_is_inside_the_hook(make_client, fake_time):
    waits = Waits()

    def answer(response: httpx.Response):
        def step(request: httpx.Request) -> httpx.Response:
            waits.seen.append("send" if waits.inside else "send outside")
            return response

        return step

    def sleep(seconds: float) -> None:
        waits.seen.append("pause" if waits.inside else "pause outside")
        fake_time.sleep(seconds)

    upstream = Upstream(
        [answer(error_response(503, "unavailable")), answer(json_response(201, SESSION))]
    )
    client = make_client(upstream, waiting=waits, sleep=sleep)

    session = client.create_session(mode="bidirectional_translation")

    assert session.id == SESSION["id"]
    assert waits.seen == ["send", "pause", "send"]


def test_the_app_client_gives_the_worker_turn_up(settings):
    from kallglot_web import turns
    from sessions_app.kallglot import get_client, reset_clients

    settings.RUNNING_REQUESTS = 1
    settings.KALLGLOT_API_BASE = "https://api.kallglot.test/v1"
    settings.KALLGLOT_API_KEY = "sk_test_turns"
    reset_clients()
    free_while_waiting: list[bool] = []

    def upstream(request: httpx.Request) -> httpx.Response:
        other = turns.semaphore().acquire(blocking=False)  # another request's turn
        free_while_waiting.append(other)
        if other:
            turns.semaphore().release()
        return json_response(201, SESSION)

    client = get_client()
    client._http._transport = httpx.MockTransport(upstream)
    try:
        with turns.turn():
            client.create_session(mode="bidirectional_translation")
            taken_back = not turns.semaphore().acquire(blocking=False)
    finally:
        reset_clients()
    assert free_while_waiting == [True]
    assert taken_back
