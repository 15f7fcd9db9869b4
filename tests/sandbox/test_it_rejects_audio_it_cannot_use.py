"""Only `audio.input` with µ-law 8 kHz mono base64 is audio; anything else is reported."""

from __future__ import annotations

import base64
import json

import pytest

from tests.sandbox.audio import to_mulaw, tone
from tests.sandbox.stream import audio_message, open_stream, receive

PAYLOAD = to_mulaw(tone(440, 0.1))
GOOD = json.loads(audio_message(PAYLOAD, 1))


def variant(**changes: object) -> str:
    message = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target, *rest = path.split("__")
        if rest:
            message[target][rest[0]] = value
        else:
            message[target] = value
    return json.dumps(message)


def without(field: str) -> str:
    message = json.loads(json.dumps(GOOD))
    del message[field]
    return json.dumps(message)


BAD_FRAMES = {
    "pcm16": variant(audio__encoding="pcm_16"),
    "alaw": variant(audio__encoding="alaw"),
    "16-khz": variant(audio__sample_rate_hz=16000),
    "stereo": variant(audio__channels=2),
    "bad-base64": variant(audio__payload="not base64 !!"),
    "empty-payload": variant(audio__payload=""),
    "legacy-data-field": json.dumps(
        {"type": "audio", "data": base64.b64encode(PAYLOAD).decode(), "encoding": "mulaw"}
    ),
    "no-audio": without("audio"),
    "no-sequence": without("sequence"),
    "no-speaker": without("speaker"),
    "binary-frame": PAYLOAD,
}


@pytest.mark.parametrize("frame", BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
async def test_it_answers_invalid_audio_format_and_keeps_the_socket(sandbox_api, frame):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await ws.send(frame)
        error = await receive(ws)
        await ws.send(json.dumps({"type": "ping"}))
        pong = await receive(ws)

    assert error["type"] == "session.error"
    assert error["code"] == "invalid_audio_format"
    assert error["session_id"] == session["id"]
    assert pong["type"] == "pong"
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "created"
    assert sandbox_api.audio(session["id"])["invalid_frames"] == 1


async def test_it_counts_invalid_frames_apart_from_good_ones(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        for frame in (BAD_FRAMES["pcm16"], audio_message(PAYLOAD, 2), BAD_FRAMES["16-khz"]):
            await ws.send(frame)
        errors = [await receive(ws), await receive(ws)]

    report = sandbox_api.audio(session["id"])
    assert [e["code"] for e in errors] == ["invalid_audio_format", "invalid_audio_format"]
    assert (report["frames"], report["invalid_frames"], report["bytes"]) == (1, 2, len(PAYLOAD))
