"""Numbers and connections come from settings at call time, written as text
(`"+4930901820:twilio,pcon_x:telnyx:+4940123456"`) or as dicts; a bad entry is named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from kallglot_sandbox import telephony
from kallglot_sandbox.config import Connection


def test_it_reads_text_settings(settings):
    settings.KALLGLOT_SANDBOX_NUMBERS = " +4930901820:twilio , +14155550123:telnyx,"
    settings.KALLGLOT_SANDBOX_CONNECTIONS = "pcon_a:twilio, pcon_b:telnyx:+4940123456"
    settings.KALLGLOT_SANDBOX_DEFAULT_CONNECTION = "pcon_b"

    assert telephony.numbers() == {"+4930901820": "twilio", "+14155550123": "telnyx"}
    assert telephony.connections() == {
        "pcon_a": Connection("twilio"),
        "pcon_b": Connection("telnyx", "+4940123456"),
    }
    route = telephony.resolve(None)
    assert (route.provider, route.phone_number, route.connection_id) == (
        "telnyx",
        "+4940123456",
        "pcon_b",
    )


def test_it_reads_dict_settings(settings):
    settings.KALLGLOT_SANDBOX_NUMBERS = {"+4930901820": "telnyx"}
    settings.KALLGLOT_SANDBOX_CONNECTIONS = {"pcon_a": {"provider": "twilio"}}

    assert telephony.resolve({"phone_number": "+4930901820"}).provider == "telnyx"
    assert telephony.resolve({"connection_id": "pcon_a"}).provider == "twilio"


def test_it_has_defaults_without_settings(settings):
    for name in ("NUMBERS", "CONNECTIONS", "DEFAULT_CONNECTION"):
        if hasattr(settings, f"KALLGLOT_SANDBOX_{name}"):
            delattr(settings, f"KALLGLOT_SANDBOX_{name}")

    assert telephony.numbers() == {"+4930901820": "twilio", "+14155550123": "telnyx"}
    assert set(telephony.connections()) == {"pcon_sandbox_twilio", "pcon_sandbox_telnyx"}
    assert telephony.resolve(None).provider is None


@pytest.mark.parametrize("value", ["+4930901820", "+4930901820:vonage", "0309:twilio"])
def test_it_names_a_bad_setting(settings, value):
    settings.KALLGLOT_SANDBOX_NUMBERS = value

    with pytest.raises(ImproperlyConfigured, match="KALLGLOT_SANDBOX_NUMBERS"):
        telephony.numbers()
