"""On a phone call the agent's audio path is the browser's: a 440 Hz tone streamed as
`audio.input` is measured as 440 Hz, and captions with translations keep flowing."""

from __future__ import annotations

import json

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio


async def test_it_measures_a_tone_and_captions_a_routed_call(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session(
        routing={"phone_number": "+4930901820"}, source_language="de", target_language="en"
    )
    receiver.wait_for_type("session.provider.connected")
    async with open_stream(session) as ws:
        await receive(ws)
        frames = await send_audio(ws, to_mulaw(bursts(1, on_s=2.0, frequency=440)), 1280)
        messages = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )
        await ws.send(json.dumps({"type": "ping"}))
        await collect(ws, lambda got: bool(of_type(got, "pong")))
    report = sandbox_api.audio(session["id"])

    assert report["frames"] == frames
    assert abs(report["dominant_frequency_hz"] - 440) <= 0.01 * 440
    assert abs(report["voiced_seconds"] - 2.0) <= 0.04
    agent = of_type(messages, "transcript.final", speaker="agent")[0]
    customer = of_type(messages, "transcript.final", speaker="customer")[0]
    assert (agent["language"], agent["translation"]["language"]) == ("de", "en")
    assert (customer["language"], customer["translation"]["language"]) == ("en", "de")
