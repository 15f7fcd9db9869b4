"""Django's ASGI handler, with each request run in one trip to one reused worker thread.

Django's own ASGI handler gives every request a new thread, and runs the middleware chain in
async mode: every `process_request`, `process_view` and `process_response` of a sync-written
middleware (all of Django's), the sync view, `request_started` and `request_finished` each
hop between the event loop and that thread, and the thread's database connection is opened
and closed with it (for SQLite, over a millisecond each time). This app's middleware and
views are sync, apart from a few async views, so this handler:

- runs `request_started`, the middleware chain and the view as Django's WSGI handler does,
  and then `request_finished` unless the response streams, in one trip to the request's
  thread (async views hop back to the loop: `BaseHandler._get_response`); a streamed response
  is sent, stopped if the client goes away, and closed as Django does;
- takes the request's thread from a set of idle ones (asgiref's `ThreadSensitiveContext`
  with an executor), so everything thread-sensitive of a request still runs in one thread,
  and the thread's database connection lives as long as `CONN_MAX_AGE` allows, as under WSGI;
- runs all that in one of the worker's turns (`kallglot_web/turns.py`), giving the turn up
  while an async view runs on the event loop.

Threads are made as concurrency needs them; at most `IDLE_THREADS` are kept, each with its
connection. Measured in `bench/`: about half the cost of Django's handler per request.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile

from asgiref.sync import ThreadSensitiveContext, async_to_sync, iscoroutinefunction, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.db import connections
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

from kallglot_web import turns

IDLE_THREADS = 32


class ReusedThreadASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self.idle: list[ThreadPoolExecutor] = []

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: dict, receive: object, send: object) -> None:
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)  # Django refuses it
        thread = self.idle.pop() if self.idle else new_thread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            self.release(thread)

    async def handle(self, scope: dict, receive: object, send: object) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self.respond, thread_sensitive=True)(scope, body_file)
            if response.streaming:
                await self.stream(response, receive, send)
            else:
                await self.send_response(response, send)
        finally:
            body_file.close()

    def respond(self, scope: dict, body_file: SpooledTemporaryFile) -> HttpResponseBase:
        """In the request's thread, in its turn, what Django's handler does in three trips."""
        with turns.turn():
            signals.request_started.send(sender=self.__class__, scope=scope)
            request, response = self.create_request(scope, body_file)
            if request is not None:
                response = self.get_response(request)
                response._handler_class = self.__class__
                if isinstance(response, FileResponse):
                    response.block_size = self.chunk_size
            if not response.streaming:
                response.close()  # request_finished; the content is already in memory
        return response

    def make_view_atomic(self, view: Callable) -> Callable:
        """Django's, and an async view runs on the event loop without the request's turn."""
        view = super().make_view_atomic(view)
        return off_turn(view) if iscoroutinefunction(view) else view

    async def stream(self, response: HttpResponseBase, receive: object, send: object) -> None:
        """Stream as Django does: stop when the client goes away, then close the response."""
        sending = asyncio.create_task(self.send_response(response, send))
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        try:
            await asyncio.wait((sending, listening), return_when=asyncio.FIRST_COMPLETED)
            for task in (listening, sending):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                    await task
        finally:
            await sync_to_async(response.close, thread_sensitive=True)()

    def release(self, thread: ThreadPoolExecutor) -> None:
        if len(self.idle) < IDLE_THREADS:
            self.idle.append(thread)
        else:
            let_go(thread)

    def let_idle_threads_go(self) -> None:
        """Close every idle thread's database connection and end the thread (tests use it)."""
        while self.idle:
            let_go(self.idle.pop(), wait=True)


def off_turn(view: Callable) -> Callable:
    """An async view, called from the request's thread, which waits for it without a turn."""
    run = async_to_sync(view)

    def view_off_turn(request: object, *args: object, **kwargs: object) -> HttpResponseBase:
        with turns.waiting():
            return run(request, *args, **kwargs)

    return view_off_turn


def new_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")


def let_go(thread: ThreadPoolExecutor, wait: bool = False) -> None:
    thread.submit(connections.close_all)
    thread.shutdown(wait=wait)
