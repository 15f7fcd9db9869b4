"""`_control/config` shows the numbers, connections and leg timings in force, takes overrides,
refuses bad ones, and `_control/reset` restores the defaults."""

from __future__ import annotations

import pytest

DEFAULTS = {
    "numbers": {"+4930901820": "twilio", "+14155550123": "telnyx"},
    "connections": {"pcon_sandbox_twilio": "twilio", "pcon_sandbox_telnyx": "telnyx"},
    "default_connection": None,
    "ring_ms": 1500,
    "caller_hangup": True,
    "hangup_pause_ms": 1000,
}
OVERRIDES = {
    "numbers": {"+442071234567": "telnyx"},
    "connections": {
        "pcon_a": "twilio",
        "pcon_b": {"provider": "telnyx", "phone_number": "+4940123456"},
    },
    "default_connection": "pcon_b",
    "ring_ms": 0,
    "caller_hangup": False,
    "hangup_pause_ms": 250,
}


def telephony(config: dict) -> dict:
    return {key: config[key] for key in DEFAULTS}


def test_it_shows_the_defaults(sandbox_api):
    assert telephony(sandbox_api.control("GET", "config")) == DEFAULTS


def test_it_takes_overrides_until_the_reset(sandbox_api):
    assert telephony(sandbox_api.config(**OVERRIDES)) == OVERRIDES
    assert sandbox_api.config(default_connection=None)["default_connection"] is None

    reset = sandbox_api.control("POST", "reset")

    assert telephony(reset["config"]) == DEFAULTS


@pytest.mark.parametrize(
    "values",
    [
        {"numbers": {"4930901820": "twilio"}},
        {"numbers": {"+4930901820": "vonage"}},
        {"numbers": ["+4930901820"]},
        {"connections": {"pcon_a": "sip"}},
        {"connections": {"pcon_a": {"provider": "twilio", "phone_number": "030"}}},
        {"default_connection": ""},
        {"default_connection": 5},
        {"ring_ms": -1},
        {"hangup_pause_ms": 1.5},
        {"caller_hangup": "yes"},
    ],
)
def test_it_refuses_bad_values(sandbox_api, values):
    response = sandbox_api.post("_control/config", json=values)

    assert response.status_code == 400
    assert next(iter(values)) in response.json()["error"]["message"]
    assert telephony(sandbox_api.control("GET", "config")) == DEFAULTS
