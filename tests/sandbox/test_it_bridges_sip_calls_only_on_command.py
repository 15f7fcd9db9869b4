"""A SIP session's caller leg connects only when the PBX bridges it (the control calls stand
in for the PBX: by session id, or by the bridge URI `sip:<session id>@sip.kallglot.com` as a
PBX dials it): until then nobody is on the line and nobody answers the agent."""

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


def bridge(sandbox_api, uri):
    return sandbox_api.post("_control/sip/bridge", json={"to": uri})


async def test_the_pbx_bridges_to_the_bridge_uri(sandbox_api, receiver):
    session = sandbox_api.create_session(routing={"type": "sip"})

    bridged = bridge(sandbox_api, f"sip:{session['id']}@sip.kallglot.com")
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        heard = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )
    hung_up = sandbox_api.customer(session["id"], "hangup")

    assert (bridged.status_code, bridged.json()["customer"]) == (200, "connected")
    assert of_type(heard, "transcript.final", speaker="customer")
    assert hung_up.json()["customer"] == "hung_up"
    gone = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert (gone["provider"], gone["reason"]) == ("sip", "caller_hangup")


def test_it_takes_the_uri_as_a_pbx_writes_it(sandbox_api):
    session = sandbox_api.create_session(routing={"type": "sip"})

    bridged = bridge(sandbox_api, f"sips:{session['id']}@SIP.kallglot.com:5061;transport=tls")

    assert bridged.json()["customer"] == "connected"


def test_it_refuses_what_kallglot_would_not_answer(sandbox_api):
    sip = sandbox_api.create_session(routing={"type": "sip"})
    twilio = sandbox_api.create_session(routing={"connection_id": "pcon_sandbox_twilio"})
    bridge(sandbox_api, f"sip:{sip['id']}@sip.kallglot.com")

    refusals = [
        bridge(sandbox_api, f"sip:{sip['id']}@sip.example.com"),
        bridge(sandbox_api, "sip:sess_01HXYZNOSUCHSESSION0000@sip.kallglot.com"),
        bridge(sandbox_api, f"sip:{twilio['id']}@sip.kallglot.com"),
        bridge(sandbox_api, f"sip:{sip['id']}@sip.kallglot.com"),
    ]

    assert [(r.status_code, r.json()["error"]["param"]) for r in refusals] == [
        (400, "to"),
        (404, "to"),
        (409, None),
        (409, None),
    ]
