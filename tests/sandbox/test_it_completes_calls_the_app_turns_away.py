"""TwiML that says something and hangs up (the app's "the line cannot take the call now"), or
that runs out without connecting, completes the call: the greeting is noted, no leg connects."""

from __future__ import annotations

import pytest
from twilio.twiml.voice_response import VoiceResponse

from tests.sandbox.twilio_app import SORRY, turn_away


def say_and_pause(app, params):
    response = VoiceResponse()
    response.say(SORRY)
    response.pause(length=0)
    return str(response)


@pytest.mark.parametrize(
    ("answer", "reason"), [(turn_away, "twiml_hangup"), (say_and_pause, "twiml_ended")]
)
def test_it_completes_the_call(sandbox_api, receiver, twilio_app, answer, reason):
    twilio_app.answer = answer
    call_sid = sandbox_api.ring()

    callbacks = twilio_app.status_callbacks(until="completed")

    assert [r.status for r in callbacks] == ["completed"]
    assert (callbacks[0].params["CallDuration"], callbacks[0].params["SequenceNumber"]) == (
        "0",
        "0",
    )
    call = sandbox_api.twilio_call(call_sid)
    assert (call["status"], call["greeting"], call["session_id"]) == ("completed", SORRY, None)
    assert call["statuses"][-1]["reason"] == reason
    assert call["error"] is None
    assert "session.provider.connected" not in receiver.types()
