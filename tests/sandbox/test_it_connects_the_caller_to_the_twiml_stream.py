"""TwiML with `<Connect><Stream>` at the session's stream URL and its token as a `<Parameter>`
connects the call: the session's caller leg connects (`session.provider.connected`), the call
is `in-progress` (a signed status callback), and the scripted customer is the caller."""

from __future__ import annotations

import email.utils

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio
from tests.sandbox.twilio_app import GREETING


def test_it_connects_the_caller_and_reports_in_progress(sandbox_api, receiver, twilio_app):
    call_sid = sandbox_api.ring(to="+4930901820")

    progress = twilio_app.status_callbacks(until="in-progress")
    connected = receiver.wait_for_type("session.provider.connected")[0].event["data"]
    session = twilio_app.sessions[0]
    assert connected == {
        "id": session["id"],
        "object": "session",
        "provider": "twilio",
        "phone_number": None,
        "direction": "inbound",
        "status": "active",
    }
    assert [r.status for r in progress] == ["in-progress"]
    params = progress[0].params
    assert progress[0].signed
    assert (params["CallSid"], params["SequenceNumber"]) == (call_sid, "0")
    assert (params["Direction"], params["To"], params["ApiVersion"]) == (
        "inbound",
        "+4930901820",
        "2010-04-01",
    )
    assert email.utils.parsedate_to_datetime(params["Timestamp"]).utcoffset().seconds == 0
    assert "CallDuration" not in params
    call = sandbox_api.twilio_call(call_sid)
    assert (call["status"], call["session_id"], call["greeting"]) == (
        "in-progress",
        session["id"],
        GREETING,
    )
    assert [entry["status"] for entry in call["statuses"]] == ["ringing", "in-progress"]
    assert "<Connect><Stream" in call["twiml"]
    assert sandbox_api.customer(session["id"]).json()["customer"] == "connected"


async def test_the_caller_answers_the_agent(sandbox_api, receiver, twilio_app):
    sandbox_api.ring()
    twilio_app.status_callbacks(until="in-progress")
    session = twilio_app.sessions[0]

    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1, on_s=2.0, frequency=440)), 1280)
        messages = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )

    assert of_type(messages, "transcript.final", speaker="agent")
    assert of_type(messages, "transcript.final", speaker="customer")[0]["text"]
    report = sandbox_api.audio(session["id"])
    assert abs(report["dominant_frequency_hz"] - 440) <= 0.01 * 440
