"""The debug endpoint reports what audio arrived: how much, and at which frequency."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.sandbox.audio import silence, to_mulaw, tone
from tests.sandbox.stream import open_stream, receive, send_audio


async def stream_and_report(sandbox_api, signal: np.ndarray, frame_bytes: int = 800) -> dict:
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        frames = await send_audio(ws, to_mulaw(signal), frame_bytes)
        await ws.send(json.dumps({"type": "ping"}))
        while (await receive(ws))["type"] != "pong":
            pass
    report = sandbox_api.audio(session["id"])
    assert report["frames"] == frames
    assert report["session_id"] == session["id"]
    return report


@pytest.mark.parametrize("frequency", [440, 1000])
async def test_it_reports_the_frequency_and_duration_of_a_tone(sandbox_api, frequency):
    report = await stream_and_report(sandbox_api, tone(frequency, 2.0, amplitude=0.3), 1280)

    assert abs(report["dominant_frequency_hz"] - frequency) <= 0.02 * frequency
    assert report["seconds"] == 2.0
    assert report["bytes"] == 16000
    assert abs(report["voiced_seconds"] - 2.0) <= 0.04
    assert report["sample_rate"] == 8000
    assert report["invalid_frames"] == 0


async def test_it_measures_only_the_voiced_part(sandbox_api):
    signal = np.concatenate([silence(1.0), tone(440, 1.0), silence(1.0)])
    signal[:8000] += 0.001 * np.sin(np.arange(8000) * 2 * np.pi * 3000 / 8000)  # quiet hiss

    report = await stream_and_report(sandbox_api, signal)

    assert report["seconds"] == 3.0
    assert abs(report["voiced_seconds"] - 1.0) <= 0.04
    assert abs(report["dominant_frequency_hz"] - 440) <= 8.8


async def test_it_reports_no_frequency_for_silence(sandbox_api):
    report = await stream_and_report(sandbox_api, silence(1.0))

    assert report["dominant_frequency_hz"] is None
    assert report["voiced_seconds"] == 0.0
    assert report["seconds"] == 1.0
