"""`GET sessions/<id>/transcript`: the CURRENT shape, built from the turns the call produced."""

from __future__ import annotations

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio


def test_it_starts_empty_and_in_progress(sandbox_api):
    session = sandbox_api.create_session()

    transcript = sandbox_api.get(f"sessions/{session['id']}/transcript").json()

    assert transcript == {
        "id": f"trn_{session['id']}",
        "object": "transcript",
        "session_id": session["id"],
        "status": "in_progress",
        "turns": [],
        "metadata": {"total_turns": 0, "duration_seconds": 0.0, "languages_detected": []},
    }


async def test_it_holds_the_turns_of_the_call_once_completed(sandbox_api):
    session = sandbox_api.create_session(source_language="fr", target_language="de")
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        live = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )
    sandbox_api.post(f"sessions/{session['id']}/end")

    transcript = sandbox_api.get(f"sessions/{session['id']}/transcript").json()

    assert transcript["status"] == "completed"
    finals = of_type(live, "transcript.final")
    assert [
        {k: turn[k] for k in ("sequence", "speaker", "language", "text", "translation")}
        for turn in transcript["turns"]
    ] == [
        {k: final[k] for k in ("sequence", "speaker", "language", "text", "translation")}
        for final in finals
    ]
    assert all(turn["timestamp"].endswith("Z") for turn in transcript["turns"])
    metadata = transcript["metadata"]
    assert metadata["total_turns"] == 2
    assert metadata["languages_detected"] == ["fr", "de"]
    assert metadata["duration_seconds"] > 0
