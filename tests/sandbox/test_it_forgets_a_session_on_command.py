"""`_control/sessions/<id>/forget` plays Kallglot losing a call in a restart: its streams
drop, and from then on every request about it answers 404 as for an id never made."""

from __future__ import annotations

import contextlib

from websockets.exceptions import ConnectionClosed

from tests.sandbox.stream import open_stream, receive, until_closed


async def test_it_drops_the_stream_and_answers_404_after_forgetting(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)  # session.ready
        body = sandbox_api.control("POST", f"sessions/{session['id']}/forget")
        messages = await until_closed(ws)

    assert body == {"session_id": session["id"], "forgotten": True}
    assert messages == []  # nothing announced: Kallglot lost the call, it did not end it
    assert ws.close_code == 1000
    assert sandbox_api.get(f"sessions/{session['id']}").status_code == 404
    assert sandbox_api.post(f"sessions/{session['id']}/end").status_code == 404
    assert sandbox_api.sessions() == []


async def test_it_refuses_a_stream_of_a_forgotten_session(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.control("POST", f"sessions/{session['id']}/forget")

    async with open_stream(session) as ws:
        error = await receive(ws)
        with contextlib.suppress(ConnectionClosed):
            await receive(ws)  # the close

    assert error["code"] == "session_not_found"
    assert ws.close_code == 4404


def test_it_answers_404_for_an_unknown_session(sandbox_api):
    response = sandbox_api.post("_control/sessions/sess_unknown/forget")

    assert response.status_code == 404
