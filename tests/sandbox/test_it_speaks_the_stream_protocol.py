"""The stream's CURRENT protocol: ready, ping/pong, session.end, errors that keep it open."""

from __future__ import annotations

import json

from tests.sandbox.audio import silence, to_mulaw
from tests.sandbox.stream import open_stream, receive, send_audio, until_closed


async def test_it_greets_and_answers_pings(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        ready = await receive(ws)
        await ws.send(json.dumps({"type": "ping"}))
        pong = await receive(ws)

    assert ready == {"type": "session.ready", "session_id": session["id"]}
    assert pong == {"type": "pong", "session_id": session["id"]}


async def test_it_ends_the_session_on_session_end(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await ws.send(json.dumps({"type": "session.end"}))
        messages = await until_closed(ws)

    assert messages == [
        {"type": "session.ended", "session_id": session["id"], "reason": "explicit_end"}
    ]
    assert ws.close_code == 1000
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "ended"
    assert sandbox_api.get(f"sessions/{session['id']}/transcript").json()["status"] == "completed"


async def test_it_becomes_active_at_the_first_audio(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        before = sandbox_api.get(f"sessions/{session['id']}").json()
        await send_audio(ws, to_mulaw(silence(0.1)))
        await ws.send(json.dumps({"type": "ping"}))
        await receive(ws)  # the pong: the audio before it has been handled
        after = sandbox_api.get(f"sessions/{session['id']}").json()

    assert (before["status"], before["started_at"]) == ("created", None)
    assert after["status"] == "active"
    assert after["started_at"] is not None
    assert after["stream"]["token"]


async def test_it_reports_unknown_and_malformed_messages_and_stays_open(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await ws.send(json.dumps({"type": "control", "action": "mute"}))
        unknown = await receive(ws)
        await ws.send("{not json")
        malformed = await receive(ws)
        await ws.send(json.dumps({"type": "ping"}))
        pong = await receive(ws)

    assert (unknown["type"], unknown["code"]) == ("session.error", "unknown_message")
    assert (malformed["type"], malformed["code"]) == ("session.error", "invalid_message")
    assert unknown["session_id"] == session["id"]
    assert pong["type"] == "pong"
