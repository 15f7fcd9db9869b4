"""Kallglot as a network that records every request the app makes and answers none."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sessions_app.kallglot import KallglotClient, reset_clients, set_client


@pytest.fixture
def upstream() -> Iterator[list[httpx.Request]]:
    """The requests the app sent to Kallglot (each answered 503)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"error": {"type": "api_error", "code": "down"}})

    set_client(
        KallglotClient(
            api_key="sk_test_mock_key",
            base_url="https://api.kallglot.test/v1",
            transport=httpx.MockTransport(handler),
            max_attempts=1,
        )
    )
    yield seen
    reset_clients()
