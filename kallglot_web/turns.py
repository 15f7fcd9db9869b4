"""Turns: how many requests run their Python at once in one worker.

Daphne gives every HTTP request a thread of its own (`kallglot_web/handler.py`). Threads
that run Python at the same time only take turns at the GIL, and that taking is not free:
sixteen webhooks in flight on one worker got through about a sixth fewer per second than
the same sixteen one at a time (bench/). So, as in a WSGI sync worker, a request runs its
Python in one of `RUNNING_REQUESTS` turns (SQLite: one; 0: no limit). Unlike a sync worker,
a request gives its turn up while it waits on something outside the worker (a Kallglot
call, an async view on the event loop), so a slow upstream holds up no one else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_made = threading.Lock()
_turns: threading.BoundedSemaphore | None = None
_count = 0
_mine = threading.local()


def semaphore() -> threading.BoundedSemaphore | None:
    """The worker's turns, made from settings the first time (again if a test changes them)."""
    global _turns, _count
    if _count == settings.RUNNING_REQUESTS:  # every request: no lock once they are made
        return _turns
    with _made:
        count = settings.RUNNING_REQUESTS
        if _count != count:
            _turns = threading.BoundedSemaphore(count) if count > 0 else None
            _count = count  # last: a request that sees the new count finds the new turns
        return _turns


@contextmanager
def turn() -> Iterator[None]:
    """Run the block in one of the worker's turns, waiting for one if all are taken."""
    turns = semaphore()
    if turns is None:
        yield
        return
    turns.acquire()
    _mine.turns = turns
    try:
        yield
    finally:
        _mine.turns = None
        turns.release()


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's turn to another request while the block waits outside the worker.

    Not inside a transaction: another request could then wait on its locks while holding
    the turn this one needs back.
    """
    turns = getattr(_mine, "turns", None)
    in_transaction = any(conn.in_atomic_block for conn in connections.all(initialized_only=True))
    if turns is None or in_transaction:
        yield
        return
    _mine.turns = None
    turns.release()
    try:
        yield
    finally:
        turns.acquire()
        _mine.turns = turns
