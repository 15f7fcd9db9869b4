"""Stream refusals: accepted, told why in `session.error`, closed with a distinct code."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect

from tests.sandbox.stream import open_stream, receive, until_closed


async def refused(url: str) -> tuple[dict, int]:
    async with connect(url, open_timeout=5) as ws:
        messages = await until_closed(ws)
        return messages[0], ws.close_code


@pytest.mark.parametrize(
    "token", ["", "?token=", "?token=kst_test_0123456789abcdef0123456789abcdef"]
)
async def test_it_refuses_a_missing_or_unknown_token(sandbox_api, token):
    session = sandbox_api.create_session()

    error, code = await refused(session["stream"]["url"] + token)

    assert code == 4001
    assert error == {
        "type": "session.error",
        "session_id": session["id"],
        "code": "invalid_token",
        "message": error["message"],
    }


async def test_it_refuses_another_sessions_token(sandbox_api):
    mine, other = sandbox_api.create_session(), sandbox_api.create_session()
    url = f"{mine['stream']['url']}?token={other['stream']['token']}"

    error, code = await refused(url)

    assert (error["code"], code) == ("invalid_token", 4001)


async def test_it_refuses_an_expired_token(sandbox_api):
    sandbox_api.config(token_lifetime_s=0.3)
    session = sandbox_api.create_session()
    await asyncio.sleep(0.5)

    error, code = await refused(f"{session['stream']['url']}?token={session['stream']['token']}")

    assert (error["code"], code) == ("expired_token", 4002)


async def test_it_refuses_an_unknown_session(sandbox_api):
    session = sandbox_api.create_session()
    url = session["stream"]["url"].replace(session["id"], "sess_01HXYZ00000000000000000000")

    error, code = await refused(f"{url}?token={session['stream']['token']}")

    assert (error["code"], code) == ("session_not_found", 4404)


async def test_it_refuses_an_ended_session(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")

    error, code = await refused(f"{session['stream']['url']}?token={session['stream']['token']}")

    assert (error["code"], code) == ("session_ended", 4409)


async def test_it_checks_the_token_only_when_connecting(sandbox_api):
    sandbox_api.config(token_lifetime_s=1.0)
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        assert (await receive(ws))["type"] == "session.ready"
        await asyncio.sleep(1.2)
        await ws.send('{"type": "ping"}')

        assert await receive(ws) == {"type": "pong", "session_id": session["id"]}
