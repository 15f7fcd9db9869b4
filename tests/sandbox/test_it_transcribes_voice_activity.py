"""Voice activity in the received audio drives the agent's partials and finals."""

from __future__ import annotations

import pytest

from tests.sandbox.audio import bursts, silence, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, quiet_for, receive, send_audio


def agent_finals(messages: list[dict]) -> list[dict]:
    return of_type(messages, "transcript.final", speaker="agent")


@pytest.mark.parametrize("count", [1, 3])
async def test_it_gives_one_final_per_burst(sandbox_api, count):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(count, on_s=0.9, off_s=0.8)))
        messages = await collect(ws, lambda got: len(agent_finals(got)) >= count)
        messages += await quiet_for(ws, 0.3)

    finals = agent_finals(messages)
    assert len(finals) == count
    sequences = [final["sequence"] for final in finals]
    assert sequences == sorted(set(sequences))
    for final in finals:
        assert final["session_id"] == session["id"]
        assert final["language"] == "en"
        assert final["text"]
        assert final["translation"]["language"] == "es"
        assert final["translation"]["text"]
        assert final["translation"]["text"] != final["text"]


async def test_it_grows_the_partials_of_an_utterance(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1, on_s=1.3, off_s=0.8)))
        messages = await collect(ws, lambda got: bool(agent_finals(got)))

    final = agent_finals(messages)[0]
    partials = of_type(messages, "transcript.partial", sequence=final["sequence"])
    texts = [partial["text"] for partial in partials]
    assert len(texts) == 3  # one per 400 ms of speech
    for shorter, longer in zip(texts, [*texts[1:], final["text"]], strict=True):
        assert longer.startswith(shorter)
        assert len(longer) > len(shorter)
    assert all("translation" not in partial for partial in partials)
    assert {partial["speaker"] for partial in partials} == {"agent"}


async def test_it_hears_nothing_in_silence(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(silence(2.0)))
        messages = await quiet_for(ws, 1.2)

    assert of_type(messages, "transcript.partial") == []
    assert of_type(messages, "transcript.final") == []
    assert sandbox_api.get(f"sessions/{session['id']}/transcript").json()["turns"] == []


async def test_it_speaks_the_session_languages(sandbox_api):
    session = sandbox_api.create_session(source_language="de", target_language="fr")
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        messages = await collect(ws, lambda got: bool(of_type(got, "transcript.final")))

    final = agent_finals(messages)[0]
    assert final["language"] == "de"
    assert final["text"].startswith("Hallo")
    assert final["translation"] == {"language": "fr", "text": final["translation"]["text"]}
    assert final["translation"]["text"].startswith("Bonjour")
