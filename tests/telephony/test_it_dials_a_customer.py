"""Click-to-dial through the centre's own Twilio, against the sandbox's Calls API stand-in: the
number is read as E.164 in the line's country, Twilio is asked to call the customer from the
line's number with the app's TwiML and status URLs, each signed status callback becomes words
the agent reads (a call that never connects ends upstream with its outcome), the agent can
cancel while it rings, and one click places one call however often it is retried."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from twilio.request_validator import RequestValidator

from sessions_app.models import AgentProfile, CallSession, OutboundCall, Route, SessionEvent
from sessions_app.validation import parse_session_request
from tests.conftest import SandboxControl, client_for

pytestmark = pytest.mark.django_db(transaction=True)

LINE = "+4930901830"  # the centre's own Twilio number the line calls from
NO_ANSWER = "+4917612340002"  # the stand-in lets numbers ending 0002 ring until Timeout


@pytest.fixture
def line(db: None) -> Route:
    return Route.objects.create(
        label="Outbound Berlin",
        kind=Route.Kind.CONNECTION,
        connection_id="pcon_sandbox_twilio",
        phone_number=LINE,
        direction=Route.Direction.OUTBOUND,
        customer_language="de",
        agent_language="en",
    )


@pytest.fixture
def nowhere(settings: object) -> None:
    """Twilio's requests to the app go to the discard port: the test posts them itself."""
    settings.APP_BASE_URL = "http://127.0.0.1:9"
    settings.DIAL_RING_SECONDS = 600


def dial(client: object, line: Route, number: str, key: str = "click-1") -> object:
    body = {"mode": "bidirectional_translation", "route": line.pk, "dial": number}
    return client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def twilio_posts(client: object, path: str, form: dict[str, str], token: str = "") -> object:
    url = f"{settings.APP_BASE_URL}{path}"
    signature = RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, form)
    return client.post(
        path,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def status_path(session: CallSession) -> str:
    return f"/telephony/twilio/outbound/{session.public_id}/status"


def callback(call: OutboundCall, status: str, sequence: int) -> dict[str, str]:
    return {
        "CallSid": call.call_sid,
        "CallStatus": status,
        "Direction": "outbound-api",
        "From": LINE,
        "To": call.number,
        "SequenceNumber": str(sequence),
    }


def labels(session: CallSession) -> list[tuple[str, str]]:
    events = SessionEvent.objects.filter(session=session, kind__startswith="call.")
    return [(event.kind, event.label) for event in events.order_by("seq")]


@pytest.mark.parametrize(
    ("typed", "line_number", "e164"),
    [
        ("0176 12345678", "+4930901830", "+4917612345678"),
        ("+49 (176) 1234-5678", "+4930901830", "+4917612345678"),
        ("0664 1234567", "+43122334455", "+436641234567"),
        ("+44 20 7946 0958", "+43122334455", "+442079460958"),
    ],
)
def test_it_reads_the_number_in_the_lines_country(line, typed, line_number, e164):
    Route.objects.filter(pk=line.pk).update(phone_number=line_number)
    request = parse_session_request(
        {"mode": "bidirectional_translation", "route": line.pk} | {"dial": typed}
    )
    assert request.dial == e164


@pytest.mark.parametrize(
    ("number", "code"),
    [("", "missing_number"), ("12", "invalid_number"), ("not a number", "invalid_number")],
)
def test_it_refuses_what_is_not_a_number(alice, line, nowhere, number, code):
    response = dial(client_for(alice), line, number)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert response.json()["error"]["param"] == "dial"
    assert not CallSession.objects.exists()


def test_it_dials_only_on_an_outbound_line(alice, line, nowhere):
    line.direction = Route.Direction.INBOUND
    line.save()
    response = dial(client_for(alice), line, NO_ANSWER)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "route_cannot_dial")


def test_it_asks_twilio_to_call_the_customer_from_the_lines_number(
    sandbox: SandboxControl, alice, line, nowhere
):
    response = dial(client_for(alice), line, "0176 1234 0002")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["dial"] == {
        "number": NO_ANSWER,
        "display": "+49 176 12340002",
        "outcome": "dialling",
    }
    session = CallSession.objects.get(public_id=body["id"])
    call = OutboundCall.objects.get(session=session)
    placed = sandbox.call("GET", f"_control/twilio/calls/{call.call_sid}").json()
    base = f"http://127.0.0.1:9/telephony/twilio/outbound/{session.public_id}"
    assert (placed["to"], placed["from"], placed["direction"]) == (NO_ANSWER, LINE, "outbound-api")
    assert (placed["voice_url"], placed["status_url"]) == (base, f"{base}/status")
    assert sorted(placed["status_callback_events"]) == [
        "answered",
        "completed",
        "initiated",
        "ringing",
    ]
    assert placed["timeout"] == 600
    upstream = sandbox.call("GET", f"_control/sessions/{session.kallglot_id}/customer").json()
    assert (upstream["connection_id"], upstream["direction"]) == ("pcon_sandbox_twilio", "outbound")
    assert session.customer_number == NO_ANSWER
    assert AgentProfile.objects.get(user=alice).state == AgentProfile.State.ON_CALL


def test_one_click_places_one_call_however_often_it_is_retried(
    sandbox: SandboxControl, alice, line, nowhere
):
    client = client_for(alice)
    answers = [dial(client, line, NO_ANSWER, key="same-click") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert OutboundCall.objects.count() == 1
    calls = sandbox.call("GET", "_control/twilio/calls").json()["data"]
    assert [call["to"] for call in calls if call["direction"] == "outbound-api"] == [NO_ANSWER]

    other = dial(client, line, "+4917612349999", key="same-click")
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_mismatch")


def test_the_agent_cancels_while_it_rings(sandbox: SandboxControl, alice, line, nowhere):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, NO_ANSWER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    assert (
        twilio_posts(client, status_path(session), callback(call, "ringing", 1)).status_code == 204
    )

    assert client.post(f"/api/sessions/{session.public_id}/end").status_code == 200
    placed = sandbox.call("GET", f"_control/twilio/calls/{call.call_sid}").json()
    assert placed["status"] == "canceled"
    session.refresh_from_db()
    assert session.is_ended

    twilio_posts(client, status_path(session), callback(call, "canceled", 2))
    call.refresh_from_db()
    assert (call.carrier_status, call.outcome) == ("canceled", "canceled")
    assert labels(session)[-1] == ("call.canceled", "The call was cancelled")


def test_it_tells_the_agent_how_an_answered_call_goes(sandbox, alice, line, nowhere):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, NO_ANSWER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    for sequence, status in enumerate(("initiated", "ringing", "in-progress")):
        twilio_posts(client, status_path(session), callback(call, status, sequence))
    twilio_posts(client, status_path(session), callback(call, "ringing", 1))  # a repeat
    assert labels(session) == [
        ("call.dialling", "Dialling the customer"),
        ("call.ringing", "The customer's phone is ringing"),
        ("call.answered", "The customer answered"),
    ]
    call.refresh_from_db()
    assert (call.outcome, call.answered_at is not None) == ("answered", True)
    session.refresh_from_db()
    assert not session.is_ended

    twilio_posts(client, status_path(session), callback(call, "completed", 3))
    session.refresh_from_db()
    assert (session.status, session.end_reason) == ("ended", "customer_hung_up")


@pytest.mark.parametrize(
    ("status", "kind", "label", "outcome", "reason"),
    [
        ("busy", "call.busy", "The line is busy", "busy", "busy"),
        ("no-answer", "call.no_answer", "Nobody answered", "no_answer", "no_answer"),
        ("failed", "call.failed", "The call could not be put through", "failed", "dial_failed"),
    ],
)
def test_a_call_that_never_connects_ends_with_its_outcome(
    sandbox, alice, line, nowhere, status, kind, label, outcome, reason
):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, NO_ANSWER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    twilio_posts(client, status_path(session), callback(call, "ringing", 1))
    assert twilio_posts(client, status_path(session), callback(call, status, 2)).status_code == 204

    assert labels(session)[-1] == (kind, label)
    call.refresh_from_db()
    assert (call.carrier_status, call.outcome) == (status, outcome)
    session.refresh_from_db()
    assert (session.status, session.end_reason) == ("ended", reason)
    assert sandbox.session(session.kallglot_id)["status"] == "ended"
    assert AgentProfile.objects.get(user=alice).state == AgentProfile.State.WRAP_UP


def test_it_applies_only_callbacks_signed_by_twilio_for_its_call(sandbox, alice, line, nowhere):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, NO_ANSWER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    form = callback(call, "busy", 1)

    forged = twilio_posts(client, status_path(session), form, token="not-the-centres-token")
    unsigned = client.post(
        status_path(session), urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    another = twilio_posts(client, status_path(session), form | {"CallSid": "CA" + "0" * 32})
    twiml = twilio_posts(client, f"/telephony/twilio/outbound/{session.public_id}", form, "x" * 32)

    assert (forged.status_code, unsigned.status_code, twiml.status_code) == (403, 403, 403)
    assert another.status_code == 204
    call.refresh_from_db()
    session.refresh_from_db()
    assert (call.outcome, session.is_ended, labels(session)) == ("dialling", False, [])


def test_the_answered_call_joins_the_sessions_stream(sandbox, alice, line, nowhere):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, NO_ANSWER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    path = f"/telephony/twilio/outbound/{session.public_id}"

    twiml = twilio_posts(client, path, callback(call, "in-progress", 2)).content.decode()
    stranger = twilio_posts(
        client, path, callback(call, "in-progress", 2) | {"CallSid": "CA" + "1" * 32}
    )

    assert f"/sessions/{session.kallglot_id}/connect" in twiml
    assert '<Parameter name="token"' in twiml
    assert stranger.content.decode().endswith("<Response><Hangup /></Response>")


def test_a_call_twilio_will_not_place_ends_as_not_put_through(sandbox, alice, line, nowhere):
    sandbox.config(twilio_auth_token="a-token-the-app-does-not-have")
    response = dial(client_for(alice), line, NO_ANSWER)
    assert response.status_code == 201
    session = CallSession.objects.get(public_id=response.json()["id"])
    assert (session.status, session.end_reason) == ("ended", "dial_failed")
    assert labels(session)[0][1].startswith("The call could not be put through: ")
    assert OutboundCall.objects.get(session=session).outcome == "failed"
