"""An outbound call the customer answers: the stand-in asks the call's `Url` for TwiML (signed as
Twilio signs it, `CallStatus=in-progress`, `Direction=outbound-api`), joins the session its
`<Connect><Stream>` names, and reports the events asked for, in order. The scripted customer is
then the callee: it answers the agent and hangs up as an inbound caller does."""

from __future__ import annotations

import email.utils

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio
from tests.sandbox.twilio_app import CONNECTION, connect_to

CUSTOMER, CENTRE = "+4917612345678", "+4930901821"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def outbound_session(sandbox_api):
    routing = {"connection_id": CONNECTION, "direction": "outbound"}
    return sandbox_api.create_session(routing=routing)


def dial(twilio_client, twilio_app, **extra):
    return twilio_client.calls.create(
        to=CUSTOMER,
        from_=CENTRE,
        url=twilio_app.voice_url,
        status_callback=twilio_app.status_url,
        status_callback_event=ALL_EVENTS,
        **extra,
    ).sid


def test_it_fetches_the_twiml_and_connects_the_leg(
    sandbox_api, receiver, twilio_app, twilio_client
):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    sid = dial(twilio_client, twilio_app)

    [voice] = twilio_app.voice_webhooks()
    connected = receiver.wait_for_type("session.provider.connected")[0].event["data"]
    callbacks = twilio_app.status_callbacks(until="in-progress")

    assert voice.signed
    assert {k: voice.params[k] for k in ("CallSid", "CallStatus", "Direction", "To", "From")} == {
        "CallSid": sid,
        "CallStatus": "in-progress",
        "Direction": "outbound-api",
        "To": CUSTOMER,
        "From": CENTRE,
    }
    assert (connected["id"], connected["direction"], connected["status"]) == (
        session["id"],
        "outbound",
        "active",
    )
    assert [(r.status, r.params["SequenceNumber"]) for r in callbacks] == [
        ("initiated", "0"),
        ("ringing", "1"),
        ("in-progress", "2"),
    ]
    assert all(r.signed for r in callbacks)
    call = sandbox_api.twilio_call(sid)
    assert (call["status"], call["session_id"]) == ("in-progress", session["id"])
    assert sandbox_api.customer(session["id"]).json()["customer"] == "connected"


def test_its_callbacks_carry_twilios_fields(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    sid = dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="in-progress")

    twilio_client.calls(sid).update(status="completed")
    callbacks = twilio_app.status_callbacks(until="completed")

    params = callbacks[-1].params
    account_sid = sandbox_api.twilio_account_sid()
    assert {k: params[k] for k in ("AccountSid", "ApiVersion", "CallbackSource")} == {
        "AccountSid": account_sid,
        "ApiVersion": "2010-04-01",
        "CallbackSource": "call-progress-events",
    }
    assert (params["Called"], params["Caller"], params["Direction"]) == (
        CUSTOMER,
        CENTRE,
        "outbound-api",
    )
    assert (params["SequenceNumber"], params["CallDuration"]) == ("3", "0")
    assert email.utils.parsedate_to_datetime(params["Timestamp"]).utcoffset().seconds == 0
    assert "CallDuration" not in callbacks[2].params


def test_it_sends_only_the_events_asked_for(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    sid = twilio_client.calls.create(
        to=CUSTOMER, from_=CENTRE, url=twilio_app.voice_url, status_callback=twilio_app.status_url
    ).sid
    sandbox_api.twilio_call_once(sid, lambda call: call["status"] == "in-progress")

    twilio_client.calls(sid).update(status="completed")

    callbacks = twilio_app.status_callbacks(until="completed")
    assert [(r.status, r.params["SequenceNumber"]) for r in callbacks] == [("completed", "0")]


def test_it_asks_for_the_twiml_with_get_when_told(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    dial(twilio_client, twilio_app, method="GET", status_callback_method="GET")

    [voice] = twilio_app.voice_webhooks()
    callbacks = twilio_app.status_callbacks(until="in-progress")

    assert (voice.method, voice.signed, voice.params["CallStatus"]) == ("GET", True, "in-progress")
    assert [(r.method, r.signed, r.status) for r in callbacks] == [
        ("GET", True, "initiated"),
        ("GET", True, "ringing"),
        ("GET", True, "in-progress"),
    ]


async def test_the_callee_answers_the_agent(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="in-progress")

    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1, on_s=2.0, frequency=440)), 1280)
        messages = await collect(
            ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer"))
        )

    assert of_type(messages, "transcript.final", speaker="customer")[0]["text"]


def test_the_callee_hangs_up_when_told(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    sandbox_api.plan_next_outbound("answer", caller_hangup_after_s=0.3)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    sid = dial(twilio_client, twilio_app)

    callbacks = twilio_app.status_callbacks(until="completed")

    assert [r.status for r in callbacks] == ["initiated", "ringing", "in-progress", "completed"]
    gone = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert (gone["reason"], gone["direction"]) == ("caller_hangup", "outbound")
    call = sandbox_api.twilio_call(sid)
    assert [entry["status"] for entry in call["statuses"]] == [
        "queued",
        "initiated",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert call["statuses"][-1]["reason"] == "caller_hangup"
    assert twilio_client.calls(sid).fetch().duration == "0"


def test_an_unreachable_url_fails_the_answered_call(sandbox_api, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    sid = twilio_client.calls.create(
        to=CUSTOMER,
        from_=CENTRE,
        url="http://127.0.0.1:9/telephony/twilio/outbound",
        status_callback=twilio_app.status_url,
        status_callback_event=ALL_EVENTS,
    ).sid

    callbacks = twilio_app.status_callbacks(until="failed")

    assert [r.status for r in callbacks] == ["initiated", "ringing", "in-progress", "failed"]
    assert "ConnectError" in sandbox_api.twilio_call(sid)["error"]


def test_it_keeps_the_urls_query_string(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)
    twilio_app.answer = connect_to(session)
    twilio_client.calls.create(
        to=CUSTOMER, from_=CENTRE, url=f"{twilio_app.voice_url}?call=42&agent=alice"
    )

    [voice] = twilio_app.voice_webhooks()

    assert (voice.query, voice.signed) == ("call=42&agent=alice", True)
    assert receiver.wait_for_type("session.provider.connected")
