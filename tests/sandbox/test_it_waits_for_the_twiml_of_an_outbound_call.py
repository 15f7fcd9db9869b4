"""A session the app creates on a Twilio connection with `direction: outbound` has a caller leg
that neither rings nor connects by itself: only the TwiML of a Calls API call brings it, and
only with the session's stream URL and a valid token, checked as for an inbound call. A
`<Stream>` it cannot join fails the answered call (`failed` callback) and leaves the leg alone."""

from __future__ import annotations

import time

import pytest

from tests.sandbox.twilio_app import CONNECTION, stream_twiml

CUSTOMER, CENTRE = "+4917612345678", "+4930901821"


def outbound_session(sandbox_api):
    routing = {"connection_id": CONNECTION, "direction": "outbound"}
    return sandbox_api.create_session(routing=routing)


def test_the_leg_does_not_ring_by_itself(sandbox_api, receiver):
    sandbox_api.config(ring_ms=50)
    session = outbound_session(sandbox_api)

    time.sleep(0.4)  # well past ring_ms: a leg that rang by itself would be connected now

    customer = sandbox_api.customer(session["id"]).json()
    assert (customer["customer"], customer["direction"]) == (None, "outbound")
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "created"
    assert "session.provider.connected" not in receiver.types()


def test_an_inbound_session_on_the_connection_still_rings(sandbox_api, receiver):
    sandbox_api.config(ring_ms=50)
    session = sandbox_api.create_session(
        routing={"connection_id": CONNECTION, "direction": "inbound"}
    )

    connected = receiver.wait_for_type("session.provider.connected")[0].event["data"]

    assert (connected["id"], connected["direction"]) == (session["id"], "inbound")


def wrong_token(session):
    return stream_twiml(session["stream"]["url"], "kst_test_" + "0" * 32, greeting=None)


def another_sessions_url(session, other):
    return stream_twiml(other["stream"]["url"], session["stream"]["token"], greeting=None)


def query_token(session):
    url = f"{session['stream']['url']}?token={session['stream']['token']}"
    return stream_twiml(url, session["stream"]["token"], greeting=None)


@pytest.mark.parametrize(
    ("twiml", "why"),
    [
        (lambda session, other: wrong_token(session), "invalid_token"),
        (another_sessions_url, "invalid_token"),
        (lambda session, other: query_token(session), "query string"),
    ],
)
def test_a_stream_it_cannot_join_fails_the_call(
    sandbox_api, receiver, twilio_app, twilio_client, twiml, why
):
    sandbox_api.config(ring_ms=50)
    session, other = outbound_session(sandbox_api), outbound_session(sandbox_api)
    twilio_app.answer = lambda app, params: twiml(session, other)
    sid = twilio_client.calls.create(
        to=CUSTOMER,
        from_=CENTRE,
        url=twilio_app.voice_url,
        status_callback=twilio_app.status_url,
        status_callback_event=["answered", "completed"],
    ).sid

    callbacks = twilio_app.status_callbacks(until="failed")

    assert [r.status for r in callbacks] == ["in-progress", "failed"]
    assert callbacks[-1].signed
    call = sandbox_api.twilio_call(sid)
    assert (call["status"], call["session_id"]) == ("failed", None)
    assert why in call["error"]
    for created in (session, other):
        assert sandbox_api.customer(created["id"]).json()["customer"] is None
    assert "session.provider.connected" not in receiver.types()
    assert twilio_client.calls(sid).fetch().status == "failed"
