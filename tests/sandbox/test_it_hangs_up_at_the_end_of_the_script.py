"""On a phone call the scripted customer is the caller: it answers the agent, and after its
last scripted line it hangs up (`session.provider.disconnected`, `reason: "caller_hangup"`)
without ending the session; from then on it answers no more."""

from __future__ import annotations

import json

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, quiet_for, receive, send_audio

SCRIPT_LINES = 6


async def drain(ws) -> None:
    """Read past everything the sandbox sent so far (the last line's speech included)."""
    await ws.send(json.dumps({"type": "ping"}))
    await collect(ws, lambda got: bool(of_type(got, "pong")))


def finals(messages: list[dict], speaker: str) -> list[dict]:
    return of_type(messages, "transcript.final", speaker=speaker)


async def test_it_hangs_up_after_its_last_line(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0, hangup_pause_ms=100)
    session = sandbox_api.create_session(routing={"phone_number": "+4930901820"})
    receiver.wait_for_type("session.provider.connected")
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(SCRIPT_LINES)))
        messages = await collect(
            ws, lambda got: len(finals(got, "customer")) == SCRIPT_LINES, timeout=30
        )
        hangup = receiver.wait_for_type("session.provider.disconnected", timeout=10)
        await drain(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        after = await quiet_for(ws, 2.0)

    assert finals(messages, "customer")[-1]["text"] == "Adiós, y gracias de nuevo."
    data = hangup[0].event["data"]
    assert data == {
        "id": session["id"],
        "object": "session",
        "provider": "twilio",
        "phone_number": "+4930901820",
        "direction": None,
        "status": "active",
        "reason": "caller_hangup",
    }
    assert finals(after, "agent")
    assert not of_type(after, "transcript.final", speaker="customer")
    assert not of_type(after, "audio.output")
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "active"
    assert "session.ended" not in receiver.types()
    leg = sandbox_api.customer(session["id"]).json()
    assert (leg["customer"], leg["hangup_reason"]) == ("hung_up", "caller_hangup")


async def test_it_stays_on_the_line_when_told_not_to_hang_up(sandbox_api, receiver):
    """A SIP caller bridged only before the agent's last line hears just that line; it then
    gives the script's last answer and, with `caller_hangup` off, stays connected."""
    sandbox_api.config(caller_hangup=False, hangup_pause_ms=0)
    session = sandbox_api.create_session(routing={"type": "sip"})
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(SCRIPT_LINES - 1)))
        await collect(ws, lambda got: len(finals(got, "agent")) == SCRIPT_LINES - 1)
        sandbox_api.customer(session["id"], "connect")
        await send_audio(ws, to_mulaw(bursts(1)))
        messages = await collect(ws, lambda got: bool(finals(got, "customer")))
        await quiet_for(ws, 2.0)

    assert finals(messages, "customer")[0]["text"] == "Adiós, y gracias de nuevo."
    assert sandbox_api.customer(session["id"]).json()["customer"] == "connected"
    assert "session.provider.disconnected" not in receiver.types()
