"""The voice webhook's answer: TwiML that greets the caller in their language and joins the call
to the Kallglot session made for it (routed inbound on the route's connection), once per
CallSid; or, when Kallglot cannot take the call, words in the caller's language and a hang-up,
with nothing left open here or upstream."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from sessions_app.kallglot import reset_clients
from sessions_app.models import CallSession, QueuedCall
from tests.telephony.inbound import (
    CALLER,
    NUMBER,
    VOICE,
    first_stream_message,
    from_twilio,
    make_queue,
    stream_of,
    twiml,
    voice_form,
)

pytestmark = pytest.mark.django_db


def said(root) -> list[tuple[str, str]]:
    return [(say.get("language"), say.text) for say in root.findall("Say")]


def assert_refused_in_german(root) -> None:
    assert [child.tag for child in root] == ["Say", "Hangup"]
    [(language, text)] = said(root)
    assert language == "de-DE"
    assert text.startswith("Leider")


def assert_nothing_open(sandbox) -> None:
    assert not CallSession.objects.exists()
    assert not QueuedCall.objects.exists()
    assert all(session["status"] == "ended" for session in sandbox.sessions())


def test_it_greets_the_caller_then_connects_the_stream(client, sandbox):
    make_queue(greeting="Willkommen bei uns.")

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert [child.tag for child in root] == ["Say", "Connect"]
    assert said(root) == [("de-DE", "Willkommen bei uns.")]
    [stream] = root.find("Connect")
    assert stream.tag == "Stream"


def test_without_a_greeting_it_connects_at_once(client, sandbox):
    make_queue()

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert [child.tag for child in root] == ["Connect"]


def test_the_stream_is_the_session_kallglot_made_for_the_call(client, sandbox):
    make_queue()
    form = voice_form()

    url, token = stream_of(twiml(from_twilio(client, VOICE, form)))

    session = QueuedCall.objects.get(call_sid=form["CallSid"]).session
    upstream = sandbox.session(session.kallglot_id)
    assert url == upstream["stream"]["url"]
    assert urlsplit(url).query == ""
    assert first_stream_message(url, token)["type"] == "session.ready"
    assert upstream["source_language"] == "en"
    assert upstream["target_language"] == "de"
    assert upstream["metadata"] == {
        "caller": CALLER,
        "called": NUMBER,
        "twilio_call_sid": form["CallSid"],
    }


def test_the_session_is_routed_inbound_on_the_routes_connection(client, sandbox):
    make_queue()
    form = voice_form()

    twiml(from_twilio(client, VOICE, form))

    session = QueuedCall.objects.get(call_sid=form["CallSid"]).session
    leg = sandbox.call("GET", f"_control/sessions/{session.kallglot_id}/customer").json()
    assert leg["connection_id"] == "pcon_sandbox_twilio"
    assert leg["direction"] == "inbound"
    assert leg["provider"] == "twilio"
    assert session.agent is None
    assert session.route.label == "German line"


def test_a_repeated_call_sid_gets_the_same_session_with_a_fresh_token(client, sandbox):
    make_queue()
    form = voice_form()

    first_url, first_token = stream_of(twiml(from_twilio(client, VOICE, form)))
    again_url, again_token = stream_of(twiml(from_twilio(client, VOICE, form)))

    assert CallSession.objects.count() == 1
    assert QueuedCall.objects.count() == 1
    assert len(sandbox.sessions()) == 1
    assert again_url == first_url
    assert again_token != first_token
    assert first_stream_message(again_url, again_token)["type"] == "session.ready"


def test_a_number_no_route_answers_is_told_and_hung_up(client, sandbox):
    make_queue()

    root = twiml(from_twilio(client, VOICE, voice_form(to="+4930999999")))

    assert [child.tag for child in root] == ["Say", "Hangup"]
    assert said(root)[0][1]
    assert_nothing_open(sandbox)
    assert sandbox.sessions() == []


def test_when_kallglot_fails_the_caller_is_told_in_german(client, sandbox):
    make_queue(greeting="Willkommen.")
    sandbox.fault("sessions.create", 503, count=2)  # every attempt the client makes

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert_refused_in_german(root)
    assert_nothing_open(sandbox)
    assert sandbox.sessions() == []


def test_when_kallglot_cannot_be_reached_the_caller_is_told(client, sandbox, settings):
    """And the create is asked again later; what that makes is ended (nothing stays open)."""
    make_queue()
    settings.KALLGLOT_API_BASE = "http://127.0.0.1:9/v1"  # nothing listens there
    reset_clients()

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert_refused_in_german(root)
    assert_nothing_open(sandbox)
    settings.KALLGLOT_API_BASE = sandbox.base  # Kallglot is back
    reset_clients()
    assert wait_for(lambda: sandbox.sessions())
    assert wait_for(lambda: all(s["status"] == "ended" for s in sandbox.sessions()))


def test_a_create_that_times_out_leaves_nothing_open_upstream(client, sandbox, settings):
    """Kallglot makes the session after the app gave up waiting: the app ends it."""
    make_queue()
    settings.KALLGLOT_TIMEOUT_READ = 0.3
    settings.KALLGLOT_MAX_ATTEMPTS = 1
    reset_clients()
    sandbox.fault("sessions.create", 0, latency_ms=1500)

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert_refused_in_german(root)
    made = wait_for(lambda: sandbox.sessions())
    assert len(made) == 1
    assert wait_for(lambda: all(s["status"] == "ended" for s in sandbox.sessions()))
    assert_nothing_open(sandbox)


def wait_for(check, timeout: float = 20.0) -> object:
    """`check()`'s first truthy answer within `timeout` seconds (else its last)."""
    deadline = time.monotonic() + timeout
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_a_caller_whose_language_has_no_words_of_ours_hears_english_in_an_english_voice(
    client, sandbox
):
    route = make_queue().route
    route.customer_language = "sv"
    route.save()
    sandbox.fault("sessions.create", 503, count=2)

    root = twiml(from_twilio(client, VOICE, voice_form()))

    [(language, text)] = said(root)
    assert text.startswith("Sorry")
    assert language == "en-US"


def test_a_route_kallglot_cannot_resolve_is_named_in_the_log(client, sandbox, caplog):
    """The caller hears the usual words; whoever reads the log learns it is the route's setup."""
    route = make_queue().route
    route.connection_id = "pcon_gone"
    route.save()

    root = twiml(from_twilio(client, VOICE, voice_form()))

    assert_refused_in_german(root)
    assert_nothing_open(sandbox)
    assert "inbound call on German line refused: route_unavailable" in caplog.text
