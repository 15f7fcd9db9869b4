"""A whole call's webhooks, in order, with the §4.4 `data` of each."""

from __future__ import annotations

import json
import time

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio, until_closed

END_OF_CALL = ["session.ended", "transcript.ready", "recording.ready"]


async def test_it_reports_a_recorded_call_from_creation_to_recording(sandbox_api, receiver):
    session = sandbox_api.create_session(recording={"enabled": True})
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        await collect(ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer")))
        await ws.send(json.dumps({"type": "session.end"}))
        await until_closed(ws)
    deliveries = receiver.wait_for(lambda got: "recording.ready" in [d.type for d in got])

    types = [delivery.type for delivery in deliveries]
    assert types == [
        "session.created",
        "session.started",
        "transcript.segment",
        "transcript.segment",
        *END_OF_CALL,
    ]
    events = {delivery.type: delivery.event["data"] for delivery in deliveries}
    assert events["session.started"]["status"] == "active"
    assert events["session.started"]["started_at"] is not None
    segments = [d.event["data"] for d in deliveries if d.type == "transcript.segment"]
    assert [(s["sequence"], s["speaker"]) for s in segments] == [(1, "agent"), (2, "customer")]
    assert all(s["session_id"] == session["id"] and s["translation"]["text"] for s in segments)
    ended = events["session.ended"]
    assert (ended["id"], ended["object"], ended["status"]) == (session["id"], "session", "ended")
    assert ended["duration"] == ended["duration_seconds"] > 0
    assert ended["ended_at"]
    transcript = events["transcript.ready"]
    assert (transcript["object"], transcript["status"]) == ("transcript", "completed")
    assert len(transcript["turns"]) == 2
    recording = events["recording.ready"]
    assert (recording["object"], recording["status"]) == ("recording", "ready")
    assert recording["session_id"] == session["id"]


def test_it_sends_no_recording_event_without_a_recording(sandbox_api, receiver):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")
    receiver.wait_for(lambda got: "transcript.ready" in [d.type for d in got])
    time.sleep(0.6)  # three times the recording processing delay

    types = [delivery.type for delivery in receiver.deliveries]
    assert types == ["session.created", "session.ended", "transcript.ready"]
