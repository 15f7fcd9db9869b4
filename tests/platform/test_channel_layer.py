"""The in-memory channel layer sweeps for expired entries at most once a second."""

from __future__ import annotations

import asyncio

import pytest
from channels import layers as stock_layers

from kallglot_web import channel_layer
from kallglot_web.channel_layer import InMemoryChannelLayer


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(stock_layers.time, "time", clock)
    monkeypatch.setattr(channel_layer.time, "monotonic", clock)
    return clock


@pytest.fixture
def sweeps(monkeypatch):
    calls: list[int] = []
    stock = stock_layers.InMemoryChannelLayer._clean_expired

    def counted(self: object) -> None:
        calls.append(1)
        stock(self)

    monkeypatch.setattr(stock_layers.InMemoryChannelLayer, "_clean_expired", counted)
    return calls


async def test_a_broadcast_to_many_receivers_sweeps_once(clock, sweeps):
    layer = InMemoryChannelLayer()
    names = [await layer.new_channel() for _ in range(200)]
    for name in names:
        await layer.group_add("everyone", name)
    receivers = [asyncio.create_task(layer.receive(name)) for name in names]
    await asyncio.sleep(0)
    await layer.group_send("everyone", {"type": "hello", "text": "hi"})
    received = await asyncio.wait_for(asyncio.gather(*receivers), timeout=5)
    assert received == [{"type": "hello", "text": "hi"}] * 200
    assert len(sweeps) == 1  # the stock layer sweeps on every receive: 401 times here


async def test_expired_messages_and_memberships_still_go(clock, sweeps):
    layer = InMemoryChannelLayer(expiry=60, group_expiry=3600)
    await layer.group_add("everyone", "stale.inmemory!a")
    await layer.send("stale.inmemory!a", {"type": "never.read"})
    clock.now += 61
    await layer.group_add("later", "fresh.inmemory!b")
    await layer.send("fresh.inmemory!b", {"type": "read"})
    assert await layer.receive("fresh.inmemory!b") == {"type": "read"}
    assert "stale.inmemory!a" not in layer.channels  # the unread message expired
    assert "stale.inmemory!a" not in layer.groups.get("everyone", {})

    clock.now += 0.5  # within a second of the last sweep: none
    before = len(sweeps)
    await layer.group_send("later", {"type": "soon"})
    assert len(sweeps) == before
    clock.now += 3600
    await layer.group_send("later", {"type": "late"})
    assert len(sweeps) == before + 1
    assert layer.groups.get("later", {}) == {}  # the membership outlived group_expiry
