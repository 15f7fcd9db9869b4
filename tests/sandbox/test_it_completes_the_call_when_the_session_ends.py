"""Ending the session a Twilio call joined disconnects the leg first
(`reason: "session_ended"`) and completes the call."""

from __future__ import annotations


def test_it_completes_the_call(sandbox_api, receiver, twilio_app):
    call_sid = sandbox_api.ring()
    twilio_app.status_callbacks(until="in-progress")
    session_id = twilio_app.sessions[0]["id"]

    assert sandbox_api.post(f"sessions/{session_id}/end").status_code == 200

    callbacks = twilio_app.status_callbacks(until="completed")
    assert [r.status for r in callbacks] == ["in-progress", "completed"]
    left = receiver.wait_for_type("session.provider.disconnected")[0].event["data"]
    assert (left["id"], left["reason"]) == (session_id, "session_ended")
    call = sandbox_api.twilio_call(call_sid)
    assert (call["status"], call["statuses"][-1]["reason"]) == ("completed", "session_ended")
