"""`POST sessions/<id>/end`: the CURRENT summary, safe to repeat."""

from __future__ import annotations

import asyncio

from tests.sandbox.audio import silence, to_mulaw
from tests.sandbox.stream import open_stream, receive, send_audio


def test_it_answers_the_summary_and_repeats_it(sandbox_api):
    session = sandbox_api.create_session()

    first = sandbox_api.post(f"sessions/{session['id']}/end")
    second = sandbox_api.post(f"sessions/{session['id']}/end")

    assert first.status_code == second.status_code == 200
    summary = first.json()
    assert set(summary) == {"id", "object", "status", "duration_seconds", "ended_at"}
    assert (summary["id"], summary["object"], summary["status"]) == (
        session["id"],
        "session",
        "ended",
    )
    assert second.json() == summary


async def test_it_counts_the_duration_from_the_first_audio(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(silence(0.2)))
        await asyncio.sleep(0.6)
        summary = sandbox_api.post(f"sessions/{session['id']}/end").json()

    assert 0.5 <= summary["duration_seconds"] < 3
    retrieved = sandbox_api.get(f"sessions/{session['id']}").json()
    assert retrieved["duration_seconds"] == summary["duration_seconds"]
