"""Recordings: a WAV of the agent audio received, listed, described and streamed (with Range)."""

from __future__ import annotations

import io
import time
import wave

import numpy as np
import pytest

from tests.sandbox.audio import peak_frequency, silence, to_mulaw, tone
from tests.sandbox.stream import open_stream, receive, send_audio

SIGNAL = np.concatenate([tone(440, 1.0, amplitude=0.3), silence(0.5)])


async def recorded_call(sandbox_api) -> dict:
    session = sandbox_api.create_session(recording={"enabled": True})
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(SIGNAL))
        await ws.send('{"type": "ping"}')
        while (await receive(ws))["type"] != "pong":
            pass
    sandbox_api.post(f"sessions/{session['id']}/end")
    return session


def ready_recording(sandbox_api, session_id: str) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        listing = sandbox_api.get(f"sessions/{session_id}/recordings").json()
        if listing["data"] and listing["data"][0]["status"] == "ready":
            return listing["data"][0]
        time.sleep(0.05)
    raise AssertionError("the recording never became ready")


def test_it_lists_nothing_without_a_recording(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")

    listing = sandbox_api.get(f"sessions/{session['id']}/recordings").json()

    assert listing == {"object": "list", "data": [], "has_more": False}


async def test_it_describes_the_recording(sandbox_api):
    session = await recorded_call(sandbox_api)
    listed = ready_recording(sandbox_api, session["id"])

    recording = sandbox_api.get(f"recordings/{listed['id']}").json()

    assert recording == listed
    assert recording["id"].startswith("rec_")
    assert recording["object"] == "recording"
    assert recording["session_id"] == session["id"]
    assert (recording["format"], recording["channel"]) == ("wav", "agent")
    assert (recording["sample_rate"], recording["bit_depth"]) == (8000, 16)
    assert recording["duration"] == 1.5
    assert recording["size"] == 44 + 2 * len(SIGNAL)
    assert recording["download_url"] == f"/v1/recordings/{recording['id']}/audio"
    assert recording["expires_at"] > recording["created_at"]


async def test_it_is_processing_for_a_moment_after_the_end(sandbox_api):
    sandbox_api.config(processing_delay_s=1.0)
    session = await recorded_call(sandbox_api)

    listed = sandbox_api.get(f"sessions/{session['id']}/recordings").json()["data"][0]
    audio = sandbox_api.get(f"recordings/{listed['id']}/audio")

    assert (listed["status"], listed["download_url"]) == ("processing", None)
    assert audio.status_code == 409
    assert audio.json()["error"]["code"] == "recording_not_ready"
    assert audio.headers["Retry-After"] == "1"


async def test_it_streams_the_audio_it_received_as_wav(sandbox_api):
    session = await recorded_call(sandbox_api)
    recording = ready_recording(sandbox_api, session["id"])

    response = sandbox_api.get(f"recordings/{recording['id']}/audio")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert response.headers["Content-Length"] == str(recording["size"])
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="recording-{session["id"]}.wav"'
    )
    assert response.headers["Accept-Ranges"] == "bytes"
    with wave.open(io.BytesIO(response.content)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 8000, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(float)
    assert len(samples) == len(SIGNAL)
    assert abs(peak_frequency(samples[:8000]) - 440) < 2
    assert np.abs(samples[8000:]).max() == 0


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [("bytes=0-43", 0, 44), ("bytes=100-", 100, None), ("bytes=-10", -10, None)],
)
async def test_it_serves_a_byte_range(sandbox_api, header, start, stop):
    session = await recorded_call(sandbox_api)
    recording = ready_recording(sandbox_api, session["id"])
    url = f"recordings/{recording['id']}/audio"
    whole = sandbox_api.get(url).content

    response = sandbox_api.get(url, headers={"Range": header})

    part = whole[start:stop]
    first = start % len(whole)
    assert response.status_code == 206
    assert response.content == part
    assert response.headers["Content-Length"] == str(len(part))
    assert response.headers["Content-Range"] == (
        f"bytes {first}-{first + len(part) - 1}/{len(whole)}"
    )


async def test_it_refuses_a_range_past_the_end(sandbox_api):
    session = await recorded_call(sandbox_api)
    recording = ready_recording(sandbox_api, session["id"])

    response = sandbox_api.get(
        f"recordings/{recording['id']}/audio", headers={"Range": f"bytes={recording['size']}-"}
    )

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{recording['size']}"


async def test_it_pads_the_recording_when_asked(sandbox_api):
    sandbox_api.config(recording_extra_seconds=60)
    session = await recorded_call(sandbox_api)

    recording = ready_recording(sandbox_api, session["id"])
    response = sandbox_api.get(f"recordings/{recording['id']}/audio")

    assert recording["duration"] == 61.5
    assert recording["size"] == 44 + 2 * (len(SIGNAL) + 60 * 8000)
    assert len(response.content) == recording["size"]
