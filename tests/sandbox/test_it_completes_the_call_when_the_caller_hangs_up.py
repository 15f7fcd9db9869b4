"""A connected caller who hangs up — told to through the Twilio call or the session's leg,
after `caller_hangup_after_s`, or at the end of its script — completes the call (with a
`CallDuration`) and disconnects the leg (`session.provider.disconnected`, `reason:
"caller_hangup"`)."""

from __future__ import annotations

import pytest

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio

SCRIPT_LINES = 6


def customer_finals(messages: list[dict]) -> list[dict]:
    return of_type(messages, "transcript.final", speaker="customer")


def through_the_call(sandbox_api, call_sid, session_id):
    response = sandbox_api.post(f"_control/twilio/calls/{call_sid}/hangup")
    assert response.status_code == 200, response.text


def through_the_leg(sandbox_api, call_sid, session_id):
    assert sandbox_api.customer(session_id, "hangup").status_code == 200


@pytest.mark.parametrize("hang_up", [through_the_call, through_the_leg])
def test_it_completes_the_call_on_command(sandbox_api, receiver, twilio_app, hang_up):
    call_sid = sandbox_api.ring()
    twilio_app.status_callbacks(until="in-progress")
    session_id = twilio_app.sessions[0]["id"]

    hang_up(sandbox_api, call_sid, session_id)

    callbacks = twilio_app.status_callbacks(until="completed")
    assert [(r.status, r.params["SequenceNumber"]) for r in callbacks] == [
        ("in-progress", "0"),
        ("completed", "1"),
    ]
    assert callbacks[1].params["CallDuration"].isdigit()
    left = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert (left["id"], left["reason"]) == (session_id, "caller_hangup")
    call = sandbox_api.twilio_call(call_sid)
    assert [entry["status"] for entry in call["statuses"]] == [
        "ringing",
        "in-progress",
        "completed",
    ]
    assert call["duration"] is not None
    assert sandbox_api.get(f"sessions/{session_id}").json()["status"] == "active"


def test_it_hangs_up_by_itself_when_told_when(sandbox_api, receiver, twilio_app):
    call_sid = sandbox_api.ring(caller_hangup_after_s=0.2)

    callbacks = twilio_app.status_callbacks(until="completed")

    assert [r.status for r in callbacks] == ["in-progress", "completed"]
    left = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert left["reason"] == "caller_hangup"
    assert sandbox_api.twilio_call(call_sid)["statuses"][-1]["reason"] == "caller_hangup"


def test_it_refuses_to_hang_up_a_call_that_is_over(sandbox_api, twilio_app):
    call_sid = sandbox_api.ring()
    twilio_app.status_callbacks(until="in-progress")
    sandbox_api.post(f"_control/twilio/calls/{call_sid}/hangup")

    again = sandbox_api.post(f"_control/twilio/calls/{call_sid}/hangup")
    unknown = sandbox_api.post("_control/twilio/calls/CA0123/hangup")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_request"
    assert unknown.status_code == 404
    assert unknown.json()["error"]["param"] == "call_sid"


async def test_it_hangs_up_after_its_script(sandbox_api, receiver, twilio_app):
    sandbox_api.config(hangup_pause_ms=100)
    call_sid = sandbox_api.ring()
    twilio_app.status_callbacks(until="in-progress")
    session = twilio_app.sessions[0]

    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(SCRIPT_LINES)))
        await collect(ws, lambda got: len(customer_finals(got)) == SCRIPT_LINES, timeout=30)
    callbacks = twilio_app.status_callbacks(until="completed", timeout=10)

    assert [r.status for r in callbacks] == ["in-progress", "completed"]
    left = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert left["reason"] == "caller_hangup"
    assert sandbox_api.twilio_call(call_sid)["statuses"][-1]["reason"] == "caller_hangup"
