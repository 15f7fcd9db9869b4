"""Twilio's status callbacks: each is stored as a webhook delivery before it is applied, and
applied once; a caller who hangs up while waiting leaves a missed call whose session is ended
upstream; a callback for a call the app does not know is kept as ignored."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from sessions_app import inbound
from sessions_app.models import CallSession, QueuedCall, WebhookEvent
from tests.telephony.inbound import STATUS, VOICE, from_twilio, make_queue, status_form, voice_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(client, sandbox) -> QueuedCall:
    """A call that came in and waits in its queue (no agent is available)."""
    make_queue()
    form = voice_form()
    assert from_twilio(client, VOICE, form).status_code == 200
    return QueuedCall.objects.get(call_sid=form["CallSid"])


def eventually(check, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.1)
    return check()


def test_completed_while_waiting_is_a_missed_call_ended_upstream(client, sandbox, waiting):
    response = from_twilio(client, STATUS, status_form(waiting.call_sid, "completed", 1))

    assert response.status_code == 204
    call = QueuedCall.objects.get(pk=waiting.pk)
    assert call.outcome == QueuedCall.Outcome.MISSED
    assert call.missed_reason == "caller_hung_up"
    assert call.carrier_status == "completed"
    assert call.wait_seconds >= 0
    session = CallSession.objects.get(pk=waiting.session_id)
    assert eventually(lambda: sandbox.session(session.kallglot_id)["status"] == "ended")
    assert eventually(lambda: CallSession.objects.get(pk=session.pk).is_ended)


def test_each_callback_is_stored_and_a_repeat_is_applied_once(
    client, sandbox, waiting, monkeypatch
):
    applied = []
    apply = inbound.carrier_status
    monkeypatch.setattr(inbound, "carrier_status", lambda form: applied.append(form) or apply(form))
    form = status_form(waiting.call_sid, "in-progress", 0)

    first = from_twilio(client, STATUS, form)
    again = from_twilio(client, STATUS, form)

    assert first.status_code == again.status_code == 204
    assert len(applied) == 1
    delivery = WebhookEvent.objects.get()
    assert delivery.deliveries == 2
    assert delivery.outcome == WebhookEvent.Outcome.APPLIED
    assert delivery.event_type == "twilio.call.in-progress"
    assert waiting.call_sid in delivery.body


def test_a_callback_is_stored_before_it_is_applied(sandbox, waiting, monkeypatch):
    """Applying fails: the delivery is kept, and the next one applies it."""

    def broken(form):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(inbound, "carrier_status", broken)
    form = status_form(waiting.call_sid, "completed", 1)

    failed = from_twilio(Client(raise_request_exception=False), STATUS, form)

    assert failed.status_code == 500
    assert not WebhookEvent.objects.get().is_done
    monkeypatch.undo()
    assert from_twilio(Client(), STATUS, form).status_code == 204
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.APPLIED
    assert QueuedCall.objects.get(pk=waiting.pk).outcome == QueuedCall.Outcome.MISSED
    # Its session is ended in a thread of this process: done before the tables are emptied.
    assert eventually(lambda: CallSession.objects.get(pk=waiting.session_id).is_ended)


def test_a_callback_for_an_unknown_call_is_kept_as_ignored(client, sandbox):
    form = status_form(voice_form()["CallSid"], "completed", 1)

    response = from_twilio(client, STATUS, form)

    assert response.status_code == 204
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.IGNORED
    assert not CallSession.objects.exists()


def test_a_callback_goes_with_its_call_when_its_customer_data_is_erased(client, sandbox, waiting):
    """Its body holds the caller's number: erasing the call's personal data blanks it too."""
    from sessions_app import privacy

    from_twilio(client, STATUS, status_form(waiting.call_sid, "in-progress", 0))
    session = CallSession.objects.get(pk=waiting.session_id)

    privacy.erase_calls([session.pk], [session.kallglot_id])

    assert WebhookEvent.objects.get(event_type="twilio.call.in-progress").body == ""
