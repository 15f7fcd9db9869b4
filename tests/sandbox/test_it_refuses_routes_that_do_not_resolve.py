"""A route that does not resolve is Kallglot's setup error (G23): 400 `invalid_request`,
`param: "routing"`, a message naming what did not resolve, and nothing created or charged."""

from __future__ import annotations

import pytest

MODE = {"mode": "bidirectional_translation"}
SETUP_ERROR = "No telephony route resolves for this session: "


def refused(sandbox_api, body: dict) -> dict:
    response = sandbox_api.post("sessions", json=body)
    assert response.status_code == 400, response.text
    assert sandbox_api.sessions() == []
    assert response.headers["X-API-Credits-Remaining"] == "1000"
    return response.json()["error"]


@pytest.mark.parametrize(
    ("routing", "named"),
    [
        ({"phone_number": "+4930000000"}, "+4930000000"),
        ({"phone_number": "030 901820"}, "030 901820"),
        ({"phone_number": 4930901820}, "4930901820"),
        ({"connection_id": "pcon_unknown"}, "pcon_unknown"),
        ({}, "exactly one"),
        ({"direction": "inbound"}, "exactly one"),
        ({"phone_number": "+4930901820", "connection_id": "pcon_sandbox_twilio"}, "exactly one"),
        ({"type": "sip", "phone_number": "+4930901820"}, "exactly one"),
        ({"type": "pstn"}, "pstn"),
        ({"connection_id": "pcon_sandbox_twilio", "direction": "sideways"}, "sideways"),
        ({"type": "sip", "sip": {"from_uri": 7}}, "from_uri"),
    ],
)
def test_it_answers_the_setup_error(sandbox_api, routing, named):
    error = refused(sandbox_api, MODE | {"routing": routing})

    assert (error["code"], error["param"], error["type"]) == (
        "invalid_request",
        "routing",
        "validation_error",
    )
    assert error["message"].startswith(SETUP_ERROR)
    assert named in error["message"]


def test_it_answers_the_setup_error_for_a_default_connection_it_does_not_know(sandbox_api):
    sandbox_api.config(default_connection="pcon_gone")

    error = refused(sandbox_api, MODE)

    assert (error["code"], error["param"]) == ("invalid_request", "routing")
    assert "pcon_gone" in error["message"]


@pytest.mark.parametrize("provider", ["twilio", {"type": "twilio"}])
def test_it_still_refuses_a_top_level_provider(sandbox_api, provider):
    body = MODE | {"provider": provider, "routing": {"phone_number": "+4930901820"}}

    error = refused(sandbox_api, body)

    assert (error["code"], error["param"]) == ("invalid_request", "provider")
