"""The ASGI handler runs each request in one reused thread that keeps its database connection."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from channels.testing import HttpCommunicator
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.http import StreamingHttpResponse

from kallglot_web import handler as handler_module
from kallglot_web import turns
from kallglot_web.handler import ReusedThreadASGIHandler
from sessions_app import health

pytestmark = pytest.mark.django_db(transaction=True)


class Seen:
    """Which threads Django's request signals and new database connections happened in."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.connections: list[int] = []

    def on_started(self, **kwargs: object) -> None:
        self.started.append(threading.get_ident())

    def on_finished(self, **kwargs: object) -> None:
        self.finished.append(threading.get_ident())

    def on_connection(self, **kwargs: object) -> None:
        self.connections.append(threading.get_ident())


@pytest.fixture(autouse=True)
def threads_let_go():
    yield
    django_asgi_app.let_idle_threads_go()  # their connections would outlive the test database


@pytest.fixture
def seen():
    seen = Seen()
    request_started.connect(seen.on_started)
    request_finished.connect(seen.on_finished)
    connection_created.connect(seen.on_connection)
    yield seen
    request_started.disconnect(seen.on_started)
    request_finished.disconnect(seen.on_finished)
    connection_created.disconnect(seen.on_connection)


# Made here rather than imported from kallglot_web.asgi, whose django.setup() would configure
# logging afresh (and drop the suite's secret scanner from the root logger).
django_asgi_app = ReusedThreadASGIHandler()


async def get(path: str) -> int:
    communicator = HttpCommunicator(django_asgi_app, "GET", path, headers=[(b"host", b"127.0.0.1")])
    response = await communicator.get_response(timeout=10)
    await communicator.wait(timeout=10)  # until the handler has closed the response
    return response["status"]


async def test_requests_one_after_another_share_a_thread_and_its_connection(seen):
    assert await get("/healthz") == 200  # touches the database
    assert await get("/healthz") == 200
    assert await get("/accounts/login/") == 200
    assert len(set(seen.started)) == 1
    assert seen.finished == seen.started
    # Opened once by the first request, then kept (CONN_MAX_AGE) for the next ones.
    assert seen.connections == seen.started[:1]


async def test_a_request_waiting_outside_the_worker_does_not_hold_up_another(seen, settings):
    settings.RUNNING_REQUESTS = 1
    second_started = threading.Event()
    arrived: list[int] = []
    waited: list[bool] = []

    def first_waits_for_second(**kwargs: object) -> None:
        arrived.append(threading.get_ident())
        if len(arrived) == 1:
            with turns.waiting():  # as a request does while Kallglot answers
                waited.append(second_started.wait(timeout=5))
        else:
            second_started.set()

    request_started.connect(first_waits_for_second)
    try:
        statuses = await asyncio.gather(get("/healthz"), get("/healthz"))
    finally:
        request_started.disconnect(first_waits_for_second)
    assert statuses == [200, 200]
    assert waited == [True]
    assert len(set(seen.started)) == 2


@pytest.mark.parametrize("running", [1, 2])
async def test_requests_take_turns(seen, settings, running):
    settings.RUNNING_REQUESTS = running
    lock = threading.Lock()
    now_running: list[int] = []
    most: list[int] = [0]

    def enter(**kwargs: object) -> None:
        with lock:
            now_running.append(1)
            most[0] = max(most[0], len(now_running))
        time.sleep(0.05)  # Python work, in the request's turn

    def leave(**kwargs: object) -> None:
        with lock:
            now_running.pop()

    request_started.connect(enter)
    request_finished.connect(leave)
    try:
        statuses = await asyncio.gather(*(get("/accounts/login/") for _ in range(4)))
    finally:
        request_started.disconnect(enter)
        request_finished.disconnect(leave)
    assert statuses == [200] * 4
    assert most == [running]


async def test_an_async_view_gives_its_turn_up_while_it_runs(seen, settings, monkeypatch):
    # /healthz is an async view: while it waits on the event loop, a sync request runs.
    settings.RUNNING_REQUESTS = 1
    other_started = threading.Event()

    async def layer_waits_for_the_other_request() -> str:
        ready = await asyncio.to_thread(other_started.wait, 5)
        return "ok" if ready else "error"

    def started(**kwargs: object) -> None:
        if len(seen.started) == 2:
            other_started.set()

    monkeypatch.setattr(health, "_check_layer", layer_waits_for_the_other_request)
    request_started.connect(started)
    try:
        first = asyncio.create_task(get("/healthz"))
        while not seen.started:
            await asyncio.sleep(0.01)
        statuses = await asyncio.gather(first, get("/accounts/login/"))
    finally:
        request_started.disconnect(started)
    assert statuses == [200, 200]


async def test_idle_threads_beyond_the_limit_are_let_go(seen, monkeypatch, settings):
    settings.RUNNING_REQUESTS = 0  # no limit: three requests run at once
    monkeypatch.setattr(handler_module, "IDLE_THREADS", 1)
    barrier = threading.Barrier(3, timeout=5)

    def wait_for_all(**kwargs: object) -> None:
        barrier.wait()

    request_started.connect(wait_for_all)
    try:
        statuses = await asyncio.gather(*(get("/healthz") for _ in range(3)))
    finally:
        request_started.disconnect(wait_for_all)
    assert statuses == [200, 200, 200]
    assert len(set(seen.started)) == 3
    assert len(django_asgi_app.idle) == 1


# WhiteNoise in a sync chain streams a file with a sync iterator, which Django's ASGI handler
# reads in one go and warns about: fine for this app's static files (the console's are 60 KB).
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
async def test_a_streamed_response_is_closed_in_the_request_thread_after_it_is_sent(seen):
    communicator = HttpCommunicator(
        django_asgi_app, "GET", "/static/js/console.js", headers=[(b"host", b"127.0.0.1")]
    )
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    body = b""
    while True:  # Django ends a stream with a body message without "body"
        message = await communicator.receive_output(timeout=10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout=10)
    assert start["status"] == 200
    assert b"import" in body  # whitenoise streams the file
    assert len(seen.finished) == 1
    assert seen.finished == seen.started


async def test_streaming_stops_when_the_client_goes_away(seen):
    sent: list[dict] = []
    closed = asyncio.Event()

    async def endless():
        try:
            while True:
                yield b"chunk"
                await asyncio.sleep(0.01)
        finally:
            closed.set()

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        while len(sent) < 3:
            await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    response = StreamingHttpResponse(endless())
    await asyncio.wait_for(django_asgi_app.stream(response, receive, send), timeout=5)
    assert closed.is_set()
    assert len(seen.finished) == 1  # the response was closed


async def test_a_stream_that_breaks_is_still_closed(seen):
    async def broken():
        yield b"chunk"
        raise OSError("upstream went away")

    async def send(message: dict) -> None:
        pass

    async def receive() -> dict:
        await asyncio.sleep(10)
        return {"type": "http.disconnect"}

    with pytest.raises(OSError, match="upstream went away"):
        await django_asgi_app.stream(StreamingHttpResponse(broken()), receive, send)
    assert len(seen.finished) == 1  # request_finished: the connection is looked after
