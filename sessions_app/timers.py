"""Run a piece of sync work later: a ring that times out, a queue that gives up, a wrap-up.

From a request's code the work is scheduled on the server's event loop and runs through
`sync_to_async`, as a view would: what it relays reaches this process's sockets at once, even
on the in-memory channel layer (whose queues belong to that loop). Outside a server (a
management command, a test's own thread) a plain timer thread runs it. Either way the timer
lives in this process only: each use also has a sweep that finds the work a process that went
away left undone (`queues.sweep`, `legs.calls_past_grace`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from asgiref.sync import async_to_sync, sync_to_async
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def later(seconds: float, work: Callable[..., object], *args: object) -> None:
    """Run `work(*args)` in a thread after `seconds`; errors are logged, never raised."""
    loop = async_to_sync(running_loop)()
    if loop.is_closed():  # async_to_sync made a loop of its own: no server here
        timer = threading.Timer(max(0.0, seconds), guarded, args=[work, *args])
        timer.daemon = True
        timer.start()
        return
    loop.call_soon_threadsafe(loop.call_later, max(0.0, seconds), start, work, args)


async def running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def start(work: Callable[..., object], args: tuple) -> None:
    task = asyncio.ensure_future(sync_to_async(guarded, thread_sensitive=False)(work, *args))
    RUNNING.add(task)
    task.add_done_callback(RUNNING.discard)


RUNNING: set[asyncio.Future] = set()  # a task only weakly held by the loop could be collected


def guarded(work: Callable[..., object], *args: object) -> None:
    try:
        work(*args)
    except Exception:
        logger.exception("scheduled %s failed; its sweep will try again", work.__name__)
    finally:
        close_old_connections()
