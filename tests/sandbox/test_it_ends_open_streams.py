"""Ending over REST or by idle timeout tells an open stream why, then closes it."""

from __future__ import annotations

import asyncio

from tests.sandbox.audio import silence, to_mulaw
from tests.sandbox.stream import open_stream, receive, send_audio, until_closed


async def test_it_tells_the_stream_about_an_end_over_rest(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        sandbox_api.post(f"sessions/{session['id']}/end")
        messages = await until_closed(ws)

    assert messages == [{"type": "session.ended", "session_id": session["id"], "reason": "api_end"}]
    assert ws.close_code == 1000


async def test_it_ends_an_idle_session(sandbox_api):
    sandbox_api.config(idle_timeout_s=0.5)
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        messages = await until_closed(ws, timeout=3)

    assert messages == [
        {"type": "session.ended", "session_id": session["id"], "reason": "idle_timeout"}
    ]
    assert ws.close_code == 1000
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "ended"


async def test_it_counts_idleness_from_the_last_audio(sandbox_api):
    sandbox_api.config(idle_timeout_s=1.0)
    session = sandbox_api.create_session()
    frame = to_mulaw(silence(0.1))
    async with open_stream(session) as ws:
        await receive(ws)
        for _ in range(6):
            await send_audio(ws, frame)
            await asyncio.sleep(0.25)
        alive = sandbox_api.get(f"sessions/{session['id']}").json()["status"]
        messages = await until_closed(ws, timeout=3)

    assert alive == "active"
    assert messages[-1]["reason"] == "idle_timeout"


async def test_it_applies_a_new_idle_timeout_to_open_sessions(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        sandbox_api.config(idle_timeout_s=0.3)
        messages = await until_closed(ws, timeout=3)

    assert messages[-1]["reason"] == "idle_timeout"
