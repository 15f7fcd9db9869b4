"""A session without routing (and no default connection) is browser-only, as before (D2):
no provider, no phone leg, no provider events, and the scripted customer answers at once."""

from __future__ import annotations

import json

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio, until_closed


async def test_it_answers_without_a_phone_leg(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        await collect(ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer")))
        await ws.send(json.dumps({"type": "session.end"}))
        await until_closed(ws)
    receiver.wait_for_type("transcript.ready")

    assert (session["provider"], session["phone_number"]) == (None, None)
    assert not [kind for kind in receiver.types() if kind.startswith("session.provider.")]
    ended = receiver.of_type("session.ended")[0].event["data"]
    assert (ended["provider"], ended["phone_number"]) == (None, None)
    assert sandbox_api.sessions()[0]["customer"] is None
