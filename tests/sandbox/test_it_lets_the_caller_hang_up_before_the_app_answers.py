"""A caller who hangs up while the app is still answering completes the call; the session the
app created meanwhile gets no leg (no provider events), whatever TwiML comes later."""

from __future__ import annotations

import threading
import time

from tests.sandbox.twilio_app import stream_twiml


def test_it_completes_an_unanswered_call(sandbox_api, receiver, twilio_app):
    sandbox_api.config(ring_ms=50)
    created, release = threading.Event(), threading.Event()

    def slow_answer(app, params):
        session = app.create_session(params["From"])
        created.set()
        release.wait(10)
        return stream_twiml(session["stream"]["url"], session["stream"]["token"])

    twilio_app.answer = slow_answer
    call_sid = sandbox_api.ring()
    assert created.wait(8)

    hung_up = sandbox_api.post(f"_control/twilio/calls/{call_sid}/hangup")
    release.set()

    assert hung_up.status_code == 200
    assert hung_up.json()["status"] == "completed"
    callbacks = twilio_app.status_callbacks(until="completed")
    time.sleep(0.3)  # past ring_ms, and time for a late TwiML to be (wrongly) obeyed
    assert [(r.status, r.params["CallDuration"]) for r in callbacks] == [("completed", "0")]
    session_id = twilio_app.sessions[0]["id"]
    assert sandbox_api.customer(session_id).json()["customer"] is None
    assert not [kind for kind in receiver.types() if kind.startswith("session.provider.")]
    call = sandbox_api.twilio_call(call_sid)
    assert (call["session_id"], call["statuses"][-1]["reason"]) == (None, "caller_hangup")
