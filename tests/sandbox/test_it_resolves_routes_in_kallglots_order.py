"""`POST sessions` resolves `routing` as Kallglot does (§5.3) and reports `provider` and
`phone_number` in every session object: create, retrieve and webhook data."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("routing", "provider", "phone_number"),
    [
        ({"connection_id": "pcon_sandbox_twilio", "direction": "inbound"}, "twilio", None),
        ({"connection_id": "pcon_sandbox_telnyx", "direction": "outbound"}, "telnyx", None),
        ({"type": "sip", "sip": {"from_uri": "sip:alice@example.com"}}, "sip", None),
        ({"phone_number": "+4930901820"}, "twilio", "+4930901820"),
        ({"phone_number": "+14155550123", "direction": "inbound"}, "telnyx", "+14155550123"),
    ],
)
def test_it_resolves_each_routing_method(sandbox_api, routing, provider, phone_number):
    sandbox_api.config(ring_ms=60_000)  # the leg is not what this test is about
    session = sandbox_api.create_session(routing=routing)

    assert (session["provider"], session["phone_number"]) == (provider, phone_number)
    retrieved = sandbox_api.get(f"sessions/{session['id']}").json()
    assert (retrieved["provider"], retrieved["phone_number"]) == (provider, phone_number)
    leg = sandbox_api.customer(session["id"]).json()
    assert leg["connection_id"] == routing.get("connection_id")
    assert leg["direction"] == routing.get("direction")
    assert leg["sip_from_uri"] == routing.get("sip", {}).get("from_uri")


def test_it_makes_a_browser_only_session_without_routing_or_a_default(sandbox_api):
    session = sandbox_api.create_session()

    assert (session["provider"], session["phone_number"]) == (None, None)
    assert sandbox_api.sessions()[0]["customer"] is None
    assert sandbox_api.customer(session["id"]).json()["customer"] is None


def test_it_uses_the_default_connection_when_routing_is_left_out(sandbox_api):
    sandbox_api.config(default_connection="pcon_sandbox_telnyx", ring_ms=60_000)
    plain = sandbox_api.create_session()
    sandbox_api.config(
        connections={"pcon_desk": {"provider": "twilio", "phone_number": "+4940123456"}},
        default_connection="pcon_desk",
    )
    numbered = sandbox_api.create_session()

    assert (plain["provider"], plain["phone_number"]) == ("telnyx", None)
    assert (numbered["provider"], numbered["phone_number"]) == ("twilio", "+4940123456")
    assert sandbox_api.customer(numbered["id"]).json()["connection_id"] == "pcon_desk"


def test_it_resolves_against_the_numbers_and_connections_configured_now(sandbox_api):
    sandbox_api.config(numbers={"+4989123456": "telnyx"}, connections={"pcon_x": "twilio"})

    number = sandbox_api.create_session(routing={"phone_number": "+4989123456"})
    connection = sandbox_api.create_session(routing={"connection_id": "pcon_x"})
    former = sandbox_api.post(
        "sessions", json={"mode": "ai_agent", "routing": {"phone_number": "+4930901820"}}
    )

    assert (number["provider"], number["phone_number"]) == ("telnyx", "+4989123456")
    assert connection["provider"] == "twilio"
    assert former.status_code == 400
    assert former.json()["error"]["param"] == "routing"


def test_it_reports_the_route_in_webhook_session_data(sandbox_api, receiver):
    sandbox_api.config(ring_ms=60_000)
    session = sandbox_api.create_session(routing={"phone_number": "+14155550123"})

    created = receiver.wait_for_type("session.created")[0].event["data"]
    assert created["id"] == session["id"]
    assert (created["provider"], created["phone_number"]) == ("telnyx", "+14155550123")
