"""The app ends an outbound call through the Calls API as Twilio lets it: `Status=canceled`
while it has not been answered, `Status=completed` once it has (the leg disconnects with
`reason: "provider_hangup"`); an ended call cannot be updated (21220). The control API's hangup
is the dialled customer: it turns a ringing call down (`busy`) or hangs up an answered one."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.sandbox.twilio_app import CONNECTION, connect_to

CUSTOMER, CENTRE = "+4917612345678", "+4930901821"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def dial(twilio_client, twilio_app) -> str:
    return twilio_client.calls.create(
        to=CUSTOMER,
        from_=CENTRE,
        url=twilio_app.voice_url,
        status_callback=twilio_app.status_url,
        status_callback_event=ALL_EVENTS,
    ).sid


def answered_call(sandbox_api, twilio_app, twilio_client) -> tuple[str, dict]:
    sandbox_api.config(ring_ms=50)
    session = sandbox_api.create_session(
        routing={"connection_id": CONNECTION, "direction": "outbound"}
    )
    twilio_app.answer = connect_to(session)
    sid = dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="in-progress")
    return sid, session


def test_it_cancels_a_ringing_call(sandbox_api, receiver, twilio_app, twilio_client):
    sandbox_api.plan_next_outbound("answer", after_ms=10_000)
    sid = dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="ringing")

    updated = twilio_client.calls(sid).update(status="canceled")

    callbacks = twilio_app.status_callbacks(until="canceled")
    assert updated.status == "canceled"
    assert [r.status for r in callbacks] == ["initiated", "ringing", "canceled"]
    assert callbacks[-1].params["CallDuration"] == "0"
    assert twilio_app.voice_webhooks(count=0) == []


def test_completed_cancels_a_call_not_answered_yet(sandbox_api, twilio_app, twilio_client):
    sandbox_api.plan_next_outbound("answer", after_ms=10_000)
    sid = dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="ringing")

    assert twilio_client.calls(sid).update(status="completed").status == "canceled"


def test_canceled_leaves_an_answered_call_alone(sandbox_api, receiver, twilio_app, twilio_client):
    sid, session = answered_call(sandbox_api, twilio_app, twilio_client)

    updated = twilio_client.calls(sid).update(status="canceled")

    assert updated.status == "in-progress"
    assert sandbox_api.customer(session["id"]).json()["customer"] == "connected"


def test_completed_hangs_up_an_answered_call(sandbox_api, receiver, twilio_app, twilio_client):
    sid, session = answered_call(sandbox_api, twilio_app, twilio_client)

    updated = twilio_client.calls(sid).update(status="completed")

    gone = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    callbacks = twilio_app.status_callbacks(until="completed")
    assert (updated.status, updated.duration) == ("completed", "0")
    assert (gone["id"], gone["reason"]) == (session["id"], "provider_hangup")
    assert [r.status for r in callbacks] == ["initiated", "ringing", "in-progress", "completed"]
    customer = sandbox_api.customer(session["id"]).json()
    assert (customer["customer"], customer["status"]) == ("hung_up", "active")


def test_an_ended_call_cannot_be_updated(sandbox_api, receiver, twilio_app, twilio_client):
    sid, _ = answered_call(sandbox_api, twilio_app, twilio_client)
    twilio_client.calls(sid).update(status="completed")

    with pytest.raises(TwilioRestException) as refused:
        twilio_client.calls(sid).update(status="completed")

    assert (refused.value.status, refused.value.code) == (400, 21220)


def test_the_session_ending_completes_the_call(sandbox_api, receiver, twilio_app, twilio_client):
    sid, session = answered_call(sandbox_api, twilio_app, twilio_client)

    sandbox_api.post(f"sessions/{session['id']}/end")

    twilio_app.status_callbacks(until="completed")
    assert sandbox_api.twilio_call(sid)["statuses"][-1]["reason"] == "session_ended"


def test_the_customer_turns_a_ringing_call_down(sandbox_api, twilio_app, twilio_client):
    sandbox_api.plan_next_outbound("answer", after_ms=10_000)
    sid = dial(twilio_client, twilio_app)
    twilio_app.status_callbacks(until="ringing")

    declined = sandbox_api.control("POST", f"twilio/calls/{sid}/hangup")

    assert [r.status for r in twilio_app.status_callbacks(until="busy")][-1] == "busy"
    assert (declined["status"], declined["statuses"][-1]["reason"]) == ("busy", "declined")


def test_the_customer_hangs_up_an_answered_call(sandbox_api, receiver, twilio_app, twilio_client):
    sid, _ = answered_call(sandbox_api, twilio_app, twilio_client)

    sandbox_api.control("POST", f"twilio/calls/{sid}/hangup")

    gone = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert gone["reason"] == "caller_hangup"
    assert [r.status for r in twilio_app.status_callbacks(until="completed")][-1] == "completed"
    again = sandbox_api.post(f"_control/twilio/calls/{sid}/hangup")
    assert again.status_code == 409
