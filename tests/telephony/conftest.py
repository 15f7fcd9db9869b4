"""Fixtures of the inbound-call tests that run against the session's live server."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import LiveServer, SandboxControl
from tests.live_agents import signed_in
from tests.telephony.inbound import Desk


@pytest.fixture
def server(live_server_daphne: LiveServer) -> Iterator[LiveServer]:
    """The live server, its sandbox reset (webhooks go to the server again).

    Afterwards the server is quietened (its sandbox reset: no more webhooks or calls of this
    test; a moment for work in flight), so that emptying the tables for the next test never
    races it for locks: on PostgreSQL that is a deadlock.
    """
    control = SandboxControl(live_server_daphne.sandbox_base)
    control.reset()
    yield live_server_daphne
    control.reset()
    time.sleep(0.5)


@pytest.fixture
def upstream(server: LiveServer) -> SandboxControl:
    return SandboxControl(server.sandbox_base)


@pytest.fixture
def desk(server: LiveServer) -> Iterator[Callable[..., Desk]]:
    """Open an agent's console page (their agent socket) on `on` (the live server unless
    said); every page is closed after the test."""
    opened: list[Desk] = []

    def open_desk(user: object, on: LiveServer | None = None) -> Desk:
        opened.append(Desk(on or server, signed_in(on or server, user)).open())
        return opened[-1]

    yield open_desk
    for each in opened:
        each.close()
