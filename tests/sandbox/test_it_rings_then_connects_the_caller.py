"""A session routed to Twilio or Telnyx rings, then its caller leg connects by itself:
`session.provider.connected`, and the session is active (a phone leg is audio)."""

from __future__ import annotations

import pytest

NUMBER = "+4930901820"


@pytest.mark.parametrize(
    ("routing", "provider", "phone_number", "direction"),
    [
        ({"phone_number": "+4930901820", "direction": "inbound"}, "twilio", NUMBER, "inbound"),
        ({"connection_id": "pcon_sandbox_telnyx"}, "telnyx", None, None),
    ],
)
def test_it_connects_the_caller_after_the_ring(
    sandbox_api, receiver, routing, provider, phone_number, direction
):
    sandbox_api.config(ring_ms=50)
    session = sandbox_api.create_session(routing=routing)

    connected = receiver.wait_for_type("session.provider.connected")[0].event["data"]
    assert connected == {
        "id": session["id"],
        "object": "session",
        "provider": provider,
        "phone_number": phone_number,
        "direction": direction,
        "status": "active",
    }
    assert receiver.types() == ["session.created", "session.started", "session.provider.connected"]
    retrieved = sandbox_api.get(f"sessions/{session['id']}").json()
    assert (retrieved["status"], retrieved["provider"]) == ("active", provider)
    assert retrieved["started_at"] is not None
    assert sandbox_api.customer(session["id"]).json()["customer"] == "connected"
    assert sandbox_api.sessions()[0]["customer"] == "connected"


def test_it_rings_until_the_ring_is_over(sandbox_api, receiver):
    sandbox_api.config(ring_ms=60_000)
    session = sandbox_api.create_session(routing={"phone_number": "+14155550123"})
    receiver.wait_for_type("session.created")

    leg = sandbox_api.customer(session["id"]).json()
    assert (leg["customer"], leg["status"]) == ("ringing", "created")
    assert sandbox_api.customer(session["id"], "connect").json()["customer"] == "connected"
    receiver.wait_for_type("session.provider.connected")
    assert sandbox_api.get(f"sessions/{session['id']}").json()["status"] == "active"
