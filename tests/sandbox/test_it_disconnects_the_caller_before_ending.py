"""Ending a session with its caller on the line disconnects the leg first:
`session.provider.disconnected` (`reason: "session_ended"`) comes before `session.ended`."""

from __future__ import annotations

import pytest


def ended_call_types(receiver) -> list[str]:
    receiver.wait_for_type("transcript.ready")
    return [kind for kind in receiver.types() if kind.startswith("session.")]


def test_it_disconnects_a_connected_caller_on_rest_end(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session(routing={"phone_number": "+14155550123"})
    receiver.wait_for_type("session.provider.connected")

    sandbox_api.post(f"sessions/{session['id']}/end")

    assert ended_call_types(receiver) == [
        "session.created",
        "session.started",
        "session.provider.connected",
        "session.provider.disconnected",
        "session.ended",
    ]
    data = receiver.of_type("session.provider.disconnected")[0].event["data"]
    assert (data["id"], data["reason"], data["provider"]) == (
        session["id"],
        "session_ended",
        "telnyx",
    )
    leg = sandbox_api.customer(session["id"]).json()
    assert (leg["customer"], leg["hangup_reason"]) == ("hung_up", "session_ended")


def test_it_disconnects_a_connected_caller_on_idle_end(sandbox_api, receiver):
    sandbox_api.config(ring_ms=0, idle_timeout_s=0.3)
    session = sandbox_api.create_session(routing={"connection_id": "pcon_sandbox_twilio"})

    types = ended_call_types(receiver)

    assert types[-2:] == ["session.provider.disconnected", "session.ended"]
    assert sandbox_api.sessions()[0]["end_reason"] == "idle_timeout"
    assert sandbox_api.customer(session["id"]).json()["hangup_reason"] == "session_ended"


def test_it_stops_a_ringing_leg_when_the_session_ends(sandbox_api, receiver):
    sandbox_api.config(ring_ms=60_000)
    session = sandbox_api.create_session(routing={"phone_number": "+4930901820"})
    sandbox_api.post(f"sessions/{session['id']}/end")

    assert ended_call_types(receiver) == [
        "session.created",
        "session.provider.disconnected",
        "session.ended",
    ]
    assert sandbox_api.customer(session["id"]).json()["customer"] == "hung_up"


@pytest.mark.parametrize("routing", [{"type": "sip"}, {"phone_number": "+4930901820"}])
def test_it_sends_no_disconnect_for_a_caller_already_gone(sandbox_api, receiver, routing):
    sandbox_api.config(ring_ms=0)
    session = sandbox_api.create_session(routing=routing)
    if routing.get("phone_number"):
        receiver.wait_for_type("session.provider.connected")
        sandbox_api.customer(session["id"], "hangup")

    sandbox_api.post(f"sessions/{session['id']}/end")

    expected = 1 if routing.get("phone_number") else 0
    assert ended_call_types(receiver).count("session.provider.disconnected") == expected
