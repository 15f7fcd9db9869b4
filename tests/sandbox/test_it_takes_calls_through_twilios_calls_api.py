"""The official `twilio` package, pointed at the sandbox with its documented `http_client`
extension point, places an outbound call through the stand-in's Calls API (HTTP Basic auth, a
form, 201 and Twilio's call resource) and reads it back; nothing reaches Twilio itself."""

from __future__ import annotations

import re

import pytest
from twilio.rest import Client

from kallglot_sandbox.twilio_client import AsyncSandboxTwilioHttpClient, sandbox_url
from tests.sandbox.twilio_app import AUTH_TOKEN

CUSTOMER, CENTRE = "+4917612345678", "+4930901821"


def create(client: Client, app, **extra):
    return client.calls.create(to=CUSTOMER, from_=CENTRE, url=app.voice_url, **extra)


def test_it_answers_201_with_a_queued_call(twilio_client, twilio_app, sandbox_api):
    call = create(twilio_client, twilio_app)

    account_sid = sandbox_api.twilio_account_sid()
    assert re.fullmatch(r"CA[0-9a-f]{32}", call.sid)
    assert (call.status, call.direction, call.to, call._from) == (
        "queued",
        "outbound-api",
        CUSTOMER,
        CENTRE,
    )
    assert (call.account_sid, call.api_version) == (account_sid, "2010-04-01")
    assert call.uri == f"/2010-04-01/Accounts/{account_sid}/Calls/{call.sid}.json"
    assert call.date_created is not None
    assert call.duration is None


def test_it_fetches_the_call(twilio_client, twilio_app, sandbox_api):
    sandbox_api.config(ring_ms=5000)
    sid = create(twilio_client, twilio_app).sid
    sandbox_api.twilio_call_once(sid, lambda call: call["status"] == "ringing")

    fetched = twilio_client.calls(sid).fetch()

    assert (fetched.sid, fetched.status, fetched.to) == (sid, "ringing", CUSTOMER)
    assert fetched.start_time is not None


def test_the_control_api_lists_it_as_outbound(twilio_client, twilio_app, sandbox_api):
    sid = create(twilio_client, twilio_app, timeout=30).sid

    listed = sandbox_api.control("GET", "twilio/calls")["data"]

    assert [(c["call_sid"], c["direction"], c["to"]) for c in listed] == [
        (sid, "outbound-api", CUSTOMER)
    ]
    assert (listed[0]["voice_url"], listed[0]["timeout"]) == (twilio_app.voice_url, 30)
    assert listed[0]["plan"] == {
        "answer": "answer",
        "after_ms": None,
        "caller_hangup_after_s": None,
    }


# The package's async client itself uses aiohttp's deprecated BasicAuth (twilio 9.13).
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_the_async_client_works_too(sandbox_api, twilio_app):
    http_client = AsyncSandboxTwilioHttpClient(sandbox_api.base, timeout=10)
    client = Client(sandbox_api.twilio_account_sid(), AUTH_TOKEN, http_client=http_client)
    try:
        call = await client.calls.create_async(to=CUSTOMER, from_=CENTRE, url=twilio_app.voice_url)
        fetched = await client.calls(call.sid).fetch_async()
    finally:
        await http_client.session.close()

    assert (fetched.sid, fetched.direction) == (call.sid, "outbound-api")


def test_the_client_goes_to_the_sandbox_and_nowhere_else():
    base = "http://127.0.0.1:8000/sandbox/v1"

    rebased = sandbox_url("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", base)

    assert rebased == f"{base}/twilio/2010-04-01/Accounts/AC1/Calls.json"
    with pytest.raises(ValueError, match=re.escape("stands in for https://api.twilio.com only")):
        sandbox_url("https://lookups.twilio.com/v2/PhoneNumbers/+4930901820", base)
    with pytest.raises(ValueError, match="stands in for"):
        sandbox_url("https://api.twilio.com.example.com/2010-04-01", base)
