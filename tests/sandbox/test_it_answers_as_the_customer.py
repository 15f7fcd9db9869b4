"""The scripted customer answers each agent utterance: transcripts, then translated speech."""

from __future__ import annotations

import base64
import time

import numpy as np

from tests.sandbox.audio import bursts, from_mulaw, peak_frequency, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio


def customer_final(messages: list[dict]) -> list[dict]:
    return of_type(messages, "transcript.final", speaker="customer")


async def audio_frames(ws, gap: float = 0.6) -> tuple[list[dict], list[float]]:
    """audio.output frames and their arrival times, until none comes for `gap` seconds."""
    frames, arrivals = [], []
    while True:
        try:
            message = await receive(ws, timeout=gap)
        except TimeoutError:
            return frames, arrivals
        if message["type"] == "audio.output":
            frames.append(message)
            arrivals.append(time.monotonic())


async def one_reply(sandbox_api) -> tuple[dict, list[dict], list[dict], list[float]]:
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        messages = await collect(ws, lambda got: bool(customer_final(got)))
        frames, arrivals = await audio_frames(ws)
    return session, messages, frames, arrivals


async def test_it_answers_each_agent_turn_with_its_own_turn(sandbox_api):
    session, messages, _, _ = await one_reply(sandbox_api)

    agent = of_type(messages, "transcript.final", speaker="agent")[0]
    reply = customer_final(messages)[0]
    assert reply["session_id"] == session["id"]
    assert reply["sequence"] == agent["sequence"] + 1
    assert reply["language"] == "es"
    assert reply["translation"]["language"] == "en"
    assert reply["translation"]["text"]
    assert reply["text"] != reply["translation"]["text"]
    partials = of_type(messages, "transcript.partial", speaker="customer")
    assert partials
    assert all(reply["text"].startswith(partial["text"]) for partial in partials)
    turns = sandbox_api.get(f"sessions/{session['id']}/transcript").json()["turns"]
    assert [(turn["sequence"], turn["speaker"]) for turn in turns] == [
        (1, "agent"),
        (2, "customer"),
    ]


async def test_it_sends_translated_speech_in_real_time_mulaw_frames(sandbox_api):
    session, _, frames, arrivals = await one_reply(sandbox_api)

    assert [frame["sequence"] for frame in frames] == list(range(1, len(frames) + 1))
    for frame in frames:
        assert frame["session_id"] == session["id"]
        assert frame["speaker"] == "customer"
        assert isinstance(frame["timestamp_ms"], int)
        assert frame["audio"]["encoding"] == "mulaw"
        assert frame["audio"]["sample_rate_hz"] == 8000
        assert len(base64.b64decode(frame["audio"]["payload"])) == 1280  # 160 ms
    assert 0.12 <= float(np.median(np.diff(arrivals))) <= 0.20
    assert arrivals[-1] - arrivals[0] >= 0.16 * (len(frames) - 1) - 0.1

    audio = b"".join(base64.b64decode(frame["audio"]["payload"]) for frame in frames)
    samples = from_mulaw(audio).astype(float)
    assert 1.0 <= len(audio) / 8000 <= 1.5
    assert np.sqrt(np.mean(samples**2)) > 1000  # audible, not silence
    assert 300 <= peak_frequency(samples) <= 600
