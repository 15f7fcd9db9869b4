"""A status callback the app refuses (or cannot take) is logged with the call and not sent
again: Twilio does not retry status callbacks."""

from __future__ import annotations

import time

from tests.sandbox.twilio_app import turn_away


def test_it_sends_each_status_callback_once(sandbox_api, twilio_app):
    twilio_app.answer = turn_away
    twilio_app.status_codes = [500]
    call_sid = sandbox_api.ring()

    twilio_app.status_callbacks(until="completed")
    time.sleep(0.5)  # the sandbox's retry schedule runs at 1/1000 here: a retry would be in

    assert [r.status for r in twilio_app.status_callbacks(until="completed")] == ["completed"]
    logged = sandbox_api.twilio_call(call_sid)["status_callbacks"]
    assert [(e["status"], e["status_code"], e["sequence"]) for e in logged] == [
        ("completed", 500, 0)
    ]
    assert logged[0]["url"] == twilio_app.status_url


def test_it_logs_an_unreachable_status_callback(sandbox_api, twilio_app):
    twilio_app.answer = turn_away
    sandbox_api.config(twilio_status_url="http://127.0.0.1:9/telephony/twilio/status")
    call_sid = sandbox_api.ring()

    deadline = time.monotonic() + 8
    while not (logged := sandbox_api.twilio_call(call_sid)["status_callbacks"]):
        assert time.monotonic() < deadline, "no status callback was attempted"
        time.sleep(0.05)

    assert [(e["status"], e["status_code"]) for e in logged] == [("completed", None)]
    assert "ConnectError" in logged[0]["error"]
