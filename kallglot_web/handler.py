"""Django's ASGI handler, with each request run in one reused worker thread.

Django's own ASGI handler gives every request a new thread and runs the middleware chain in
async mode: every `process_request`, `process_view` and `process_response` of a sync-written
middleware (all of Django's) and the sync view each hop between the event loop and that
thread, and the thread's database connection is opened and closed with it (for SQLite, over
a millisecond each time). This app's middleware and views are sync, apart from a few async
views, so this handler:

- runs the middleware chain and the view as Django's WSGI handler does, in one hop into the
  request's thread (async views hop back to the loop: `BaseHandler._get_response`);
- takes the request's thread from a set of idle ones (asgiref's `ThreadSensitiveContext`
  with an executor), so everything thread-sensitive of the request, from `request_started`
  to `request_finished`, still runs in one thread, and the thread's database connection
  lives as long as `CONN_MAX_AGE` allows, as under WSGI.

Threads are made as concurrency needs them; at most `IDLE_THREADS` are kept, each with its
connection. Measured in `bench/`: less than half the cost of Django's handler per request.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.http import HttpRequest, HttpResponseBase

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

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    def release(self, thread: ThreadPoolExecutor) -> None:
        if len(self.idle) < IDLE_THREADS:
            self.idle.append(thread)
            return
        thread.submit(connections.close_all)
        thread.shutdown(wait=False)


def new_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
