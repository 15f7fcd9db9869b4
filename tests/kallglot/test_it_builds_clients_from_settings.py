"""The process-wide clients are built lazily from Django settings: one sync client per
process, one async client per event loop, rebuilt after `reset_clients()`."""

from __future__ import annotations

import asyncio

import pytest

from sessions_app.kallglot import (
    AsyncKallglotClient,
    KallglotClient,
    get_async_client,
    get_client,
    reset_clients,
)


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.KALLGLOT_API_KEY = "sk_test_from_settings"
    settings.KALLGLOT_API_BASE = "http://127.0.0.1:9/sandbox/v1"
    settings.KALLGLOT_MAX_ATTEMPTS = 3
    settings.KALLGLOT_DEADLINE = 7.5
    settings.KALLGLOT_TIMEOUT_CONNECT = 1.0
    settings.KALLGLOT_TIMEOUT_READ = 2.0
    reset_clients()
    yield
    reset_clients()


def test_it_builds_one_sync_client_from_settings():
    client = get_client()

    assert isinstance(client, KallglotClient)
    assert client is get_client()
    assert client.base_url == "http://127.0.0.1:9/sandbox/v1"
    assert client._policy.max_attempts == 3
    assert client._policy.deadline == 7.5
    assert client._timeouts == (1.0, 2.0)


def test_it_reads_settings_again_after_a_reset(settings):
    first = get_client()
    settings.KALLGLOT_API_BASE = "http://127.0.0.1:9/other/v1"

    assert get_client() is first
    reset_clients()
    assert get_client().base_url == "http://127.0.0.1:9/other/v1"


def test_it_closes_the_old_sync_client_on_reset():
    client = get_client()

    reset_clients()

    assert client._http.is_closed


async def test_it_builds_one_async_client_per_loop():
    client = get_async_client()

    assert isinstance(client, AsyncKallglotClient)
    assert get_async_client() is client
    other = await asyncio.to_thread(lambda: asyncio.run(_client_of_a_new_loop()))
    assert other is not client


async def _client_of_a_new_loop() -> AsyncKallglotClient:
    client = get_async_client()
    await client.aclose()
    return client


def test_it_needs_a_running_loop_for_the_async_client():
    with pytest.raises(RuntimeError):
        get_async_client()
