"""The process-wide clients, built from Django settings the first time they are needed.

One `KallglotClient` per process and one `AsyncKallglotClient` per running event loop (an
httpx async client belongs to the loop it was created on). Settings are read at call time,
never at import time; `reset_clients()` forgets the clients after a settings change.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

from django.conf import settings

from sessions_app.kallglot.async_client import AsyncKallglotClient
from sessions_app.kallglot.client import KallglotClient

_lock = threading.Lock()
_sync_client: KallglotClient | None = None
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncKallglotClient] = (
    weakref.WeakKeyDictionary()
)


def get_client() -> KallglotClient:
    global _sync_client
    with _lock:
        if _sync_client is None:
            _sync_client = KallglotClient(**_options())
        return _sync_client


def get_async_client() -> AsyncKallglotClient:
    """The client of the running event loop; call it from async code."""
    loop = asyncio.get_running_loop()
    with _lock:
        client = _async_clients.get(loop)
        if client is None:
            client = _async_clients[loop] = AsyncKallglotClient(**_options())
        return client


def set_client(client: KallglotClient) -> None:
    """Use `client` as the process's sync client (the transport seam for tests)."""
    global _sync_client
    with _lock:
        _sync_client = client


def reset_clients() -> None:
    """Close and forget every client; the next accessor call builds a fresh one."""
    global _sync_client
    with _lock:
        old_sync, _sync_client = _sync_client, None
        old_async = list(_async_clients.items())
        _async_clients.clear()
    if old_sync is not None:
        old_sync.close()
    for loop, client in old_async:
        if loop.is_running():
            loop.call_soon_threadsafe(
                lambda loop=loop, client=client: loop.create_task(client.aclose())
            )


def _options() -> dict[str, Any]:
    return {
        "api_key": settings.KALLGLOT_API_KEY,
        "base_url": settings.KALLGLOT_API_BASE,
        "timeout_connect": settings.KALLGLOT_TIMEOUT_CONNECT,
        "timeout_read": settings.KALLGLOT_TIMEOUT_READ,
        "max_attempts": settings.KALLGLOT_MAX_ATTEMPTS,
        "deadline": settings.KALLGLOT_DEADLINE,
    }
