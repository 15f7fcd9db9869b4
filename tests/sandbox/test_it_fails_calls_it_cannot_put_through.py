"""A call the app does not answer with TwiML the stand-in can obey, or whose `<Stream>` is not
the session's stream URL with a valid token for it, fails as Twilio fails it: a `failed` status
callback, and no caller leg on the session (which does not ring by itself either)."""

from __future__ import annotations

import time

import pytest
from twilio.twiml.voice_response import VoiceResponse

from tests.sandbox.twilio_app import stream_twiml


def wrong_token(app, params):
    session = app.create_session(params["From"])
    return stream_twiml(session["stream"]["url"], "kst_test_" + "0" * 32)


def unknown_session(app, params):
    session = app.create_session(params["From"])
    url = session["stream"]["url"].replace(session["id"], "sess_01HXYZNOSUCHSESSION0000")
    return stream_twiml(url, session["stream"]["token"])


def token_in_the_query(app, params):
    session = app.create_session(params["From"])
    stream = session["stream"]
    return stream_twiml(f"{stream['url']}?token={stream['token']}", stream["token"])


def another_host(app, params):
    session = app.create_session(params["From"])
    url = session["stream"]["url"].replace("127.0.0.1", "stream.example.com")
    return stream_twiml(url, session["stream"]["token"])


def no_token_parameter(app, params):
    session = app.create_session(params["From"])
    response = VoiceResponse()
    response.connect().stream(url=session["stream"]["url"])
    return str(response)


def server_error(app, params):
    app.create_session(params["From"])
    return 500, "<Response/>"


def not_twiml(app, params):
    app.create_session(params["From"])
    return "Please hold."


def a_verb_it_does_not_play(app, params):
    app.create_session(params["From"])
    response = VoiceResponse()
    response.dial("+4930123456")
    return str(response)


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (wrong_token, "invalid_token"),
        (unknown_session, "session_not_found"),
        (token_in_the_query, "query string"),
        (another_host, "not this sandbox's stream URL"),
        (no_token_parameter, 'name="token"'),
        (server_error, "answered 500"),
        (not_twiml, "not XML"),
        (a_verb_it_does_not_play, "<Dial>"),
    ],
)
def test_it_fails_the_call(sandbox_api, receiver, twilio_app, answer, why):
    sandbox_api.config(ring_ms=50)
    twilio_app.answer = answer
    call_sid = sandbox_api.ring()

    callbacks = twilio_app.status_callbacks(until="failed")
    time.sleep(0.3)  # well past ring_ms: a leg that rang by itself would be connected now

    assert [(r.status, r.params["SequenceNumber"]) for r in callbacks] == [("failed", "0")]
    assert callbacks[0].signed
    call = sandbox_api.twilio_call(call_sid)
    assert (call["status"], call["session_id"]) == ("failed", None)
    assert why in call["error"]
    session = twilio_app.sessions[0]
    assert sandbox_api.customer(session["id"]).json()["customer"] is None
    assert "session.provider.connected" not in receiver.types()
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "created"


def test_it_fails_a_call_the_app_does_not_answer(sandbox_api, twilio_app):
    sandbox_api.config(twilio_voice_url="http://127.0.0.1:9/telephony/twilio/voice")
    call_sid = sandbox_api.ring()

    callbacks = twilio_app.status_callbacks(until="failed")

    assert [r.status for r in callbacks] == ["failed"]
    assert "ConnectError" in sandbox_api.twilio_call(call_sid)["error"]
