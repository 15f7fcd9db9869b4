"""A SIP session's caller leg connects only when the PBX bridges it (the control call stands
in for the PBX): until then nobody is on the line and nobody answers the agent."""

from __future__ import annotations

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, quiet_for, receive, send_audio


async def test_it_waits_for_the_bridge_then_connects(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    routing = {"type": "sip", "sip": {"from_uri": "sip:alice@example.com"}, "direction": "inbound"}
    session = sandbox_api.create_session(routing=routing)
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        before = await quiet_for(ws, 2.5)
        assert sandbox_api.customer(session["id"]).json()["customer"] is None
        assert "session.provider.connected" not in receiver.types()

        bridged = sandbox_api.customer(session["id"], "connect").json()
        await send_audio(ws, to_mulaw(bursts(1)))
        after = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )

    assert of_type(before, "transcript.final", speaker="agent")
    assert not of_type(before, "transcript.final", speaker="customer")
    assert (bridged["customer"], bridged["sip_from_uri"]) == ("connected", "sip:alice@example.com")
    assert of_type(after, "transcript.final", speaker="customer")
    data = receiver.wait_for_type("session.provider.connected")[0].event["data"]
    assert data == {
        "id": session["id"],
        "object": "session",
        "provider": "sip",
        "phone_number": None,
        "direction": "inbound",
        "status": "active",
    }
