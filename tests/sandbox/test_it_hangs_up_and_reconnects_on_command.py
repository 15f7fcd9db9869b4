"""`POST _control/sessions/<id>/customer` hangs the caller up and connects it again, as a
caller and a PBX would; a browser-only session has no leg to act on (409)."""

from __future__ import annotations

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, quiet_for, receive, send_audio


def customer_finals(messages: list[dict]) -> list[dict]:
    return of_type(messages, "transcript.final", speaker="customer")


async def test_it_hangs_up_then_reconnects_the_caller(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session(routing={"connection_id": "pcon_sandbox_twilio"})
    receiver.wait_for_type("session.provider.connected")

    hung_up = sandbox_api.customer(session["id"], "hangup")
    assert hung_up.status_code == 200
    assert (hung_up.json()["customer"], hung_up.json()["hangup_reason"]) == (
        "hung_up",
        "caller_hangup",
    )
    data = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert (data["id"], data["provider"], data["reason"]) == (
        session["id"],
        "twilio",
        "caller_hangup",
    )
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        unanswered = await quiet_for(ws, 2.5)
        assert sandbox_api.customer(session["id"], "connect").json()["customer"] == "connected"
        await send_audio(ws, to_mulaw(bursts(1)))
        answered = await collect(ws, lambda got: bool(customer_finals(got)))

    assert of_type(unanswered, "transcript.final", speaker="agent")
    assert not customer_finals(unanswered)
    assert customer_finals(answered)
    assert len(receiver.wait_for_type("session.provider.connected", count=2)) == 2
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "active"


def test_it_refuses_what_the_leg_cannot_do_now(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session(routing={"phone_number": "+4930901820"})
    receiver.wait_for_type("session.provider.connected")

    again = sandbox_api.customer(session["id"], "connect")
    sandbox_api.customer(session["id"], "hangup")
    twice = sandbox_api.customer(session["id"], "hangup")
    unknown = sandbox_api.customer(session["id"], "transfer")
    sandbox_api.post(f"sessions/{session['id']}/end")
    ended = sandbox_api.customer(session["id"], "connect")

    for response in (again, twice, ended):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_request"
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"] == "action"
    assert len(receiver.of_type("session.provider.connected")) == 1


def test_it_has_no_leg_to_act_on_in_a_browser_only_session(sandbox_api):
    session = sandbox_api.create_session()

    for action in ("connect", "hangup"):
        response = sandbox_api.customer(session["id"], action)
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_request"
    assert sandbox_api.customer(session["id"]).json()["customer"] is None
    assert sandbox_api.customer("sess_unknown").status_code == 404
