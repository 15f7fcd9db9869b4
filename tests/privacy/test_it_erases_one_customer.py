"""erase_customer(): one customer's data goes from every call of theirs, whatever its age, and
an audit entry records it without naming them; other customers and the calls' facts stay."""

from __future__ import annotations

import io
import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.urls import path

from sessions_app import customers, privacy, tickets
from sessions_app.models import CallSession, ErasureRecord, WebhookEvent
from sessions_app.routing import websocket_urlpatterns
from tests.conftest import client_for, signed_in
from tests.privacy.calls import Customer, cache_contains, personal_call, rows_containing
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db

EVERY_KIND = {
    "bodies": 8,
    "turns": 2,
    "captions": 2,
    "analyses": 2,
    "recordings": 2,
    "calls' numbers and CRM references": 2,
}


@pytest.fixture
def customer():
    return Customer.new()


@pytest.fixture
def other():
    return Customer.new()


@pytest.fixture
def calls(alice, bob, client, customer, other) -> list[CallSession]:
    """Two calls of the customer (two agents'), and one of another customer, last."""
    return [
        personal_call(alice, client, customer),
        personal_call(bob, client, customer),
        personal_call(alice, client, other),
    ]


def erase(customer: Customer, actor: object) -> privacy.Report:
    return privacy.erase_customer(customer_id=customer.customer_id, actor=actor)


def leftovers(customer: Customer) -> list[str]:
    return [row for secret in customer.secrets for row in rows_containing(secret)]


def test_it_erases_every_kind_from_every_call_of_theirs_only(calls, customer, other, charlie):
    assert all(rows_containing(secret) for secret in customer.secrets)

    report = erase(customer, charlie)

    assert report.counts() == EVERY_KIND
    assert leftovers(customer) == []
    assert all(rows_containing(secret) for secret in other.secrets)
    for call in calls[:2]:
        call.refresh_from_db()
        assert (call.metadata, call.customer_number) == ({}, "")
        assert call.erased_at is not None
        assert not call.turns.exists()
        assert not call.recordings.exists()
        assert call.events.get(kind="transcript.segment").data == {
            "sequence": 1,
            "speaker": "customer",
            "language": "es",
        }
        analysis = call.analyses.get()
        assert (analysis.summary, analysis.sentiment) == ("", None)
        assert analysis.performance == {"score": 0.86}


def test_it_keeps_the_calls_facts_for_reporting(calls, customer, charlie):
    fields = ("agent", "mode", "source_language", "target_language", "status", "created_at")
    fields += ("started_at", "ended_at", "duration_seconds", "end_reason", "last_event_seq")
    before = list(CallSession.objects.order_by("pk").values(*fields))
    events = [call.events.count() for call in calls]

    erase(customer, charlie)

    assert list(CallSession.objects.order_by("pk").values(*fields)) == before
    assert [call.events.count() for call in calls] == events
    assert WebhookEvent.objects.filter(session__in=calls[:2]).count() == 8


def test_it_finds_a_number_however_it_is_written(alice, client, customer, charlie):
    by_field = personal_call(alice, client, customer)
    by_metadata = personal_call(alice, client, Customer.new())
    CallSession.objects.filter(pk=by_metadata.pk).update(
        customer_number="", metadata={"phone_number": customer.number}
    )
    national = customer.number.replace("+", "00")
    typed = f"{national[:4]} ({national[4:6]}) {national[6:10]}-{national[10:]}"

    report = privacy.erase_customer(number=typed, actor=charlie)

    assert report.record.calls == 2
    for call in (by_field, by_metadata):
        call.refresh_from_db()
        assert (call.metadata, call.customer_number, call.turns.count()) == ({}, "", 0)


def test_the_audit_entry_says_who_when_and_how_much_but_not_whom(calls, customer, charlie):
    report = erase(customer, charlie)

    record = ErasureRecord.objects.get()
    assert record == report.record
    assert (record.actor, record.calls, record.named_by) == (charlie, 2, "CRM customer id")
    assert record.removed == EVERY_KIND
    assert list(customers.erasures_of(customer.customer_id)) == [record]
    assert list(customers.erasures_of(Customer.new().customer_id)) == []
    assert customer.customer_id not in str(ErasureRecord.objects.values_list())


def test_a_customer_named_by_both_is_erased_from_the_calls_holding_either(
    alice, client, customer, charlie
):
    by_id = personal_call(alice, client, customer)
    by_number = personal_call(alice, client, Customer.new())
    CallSession.objects.filter(pk=by_id.pk).update(customer_number="")
    CallSession.objects.filter(pk=by_number.pk).update(customer_number=customer.number)

    report = privacy.erase_customer(
        number=customer.number, customer_id=customer.customer_id, actor=charlie
    )

    assert (report.record.calls, report.record.named_by) == (2, "phone number and CRM customer id")
    assert list(customers.erasures_of(customer.number)) == [report.record]
    assert list(customers.erasures_of(customer.customer_id)) == [report.record]


def test_a_customer_with_no_calls_is_recorded_too(charlie):
    report = privacy.erase_customer(number="+4930999000", actor=charlie)

    assert (report.record.calls, report.counts()) == (0, dict.fromkeys(EVERY_KIND, 0))


def test_it_blanks_deliveries_of_the_call_that_never_matched_it(calls, customer, charlie):
    body = envelope(
        "session.teleported", {"session_id": calls[0].kallglot_id, "who": customer.number}
    )
    WebhookEvent.objects.create(
        event_id=body["id"],
        event_type=body["type"],
        kallglot_session_id=calls[0].kallglot_id,
        body=json.dumps(body),
        outcome="ignored",
    )

    erase(customer, charlie)

    assert WebhookEvent.objects.get(event_id=body["id"]).body == ""


def test_a_delivery_not_applied_yet_never_will_be(calls, customer, charlie):
    WebhookEvent.objects.filter(session=calls[0], event_type="session.ended").update(
        outcome="failed"
    )

    erase(customer, charlie)

    delivery = WebhookEvent.objects.get(session=calls[0], event_type="session.ended")
    assert (delivery.outcome, delivery.body) == ("ignored", "")
    assert "erased" in delivery.error
    out = io.StringIO()
    call_command("reprocess_webhooks", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "reprocessed 0, still failing 0\n"


def test_nothing_of_theirs_is_sent_again_or_cached(calls, customer, alice, charlie):
    call = calls[0]
    agent, supervisor = client_for(alice), client_for(charlie)
    for client, url in (
        (agent, f"/sessions/{call.public_id}/"),
        (agent, f"/api/sessions/{call.public_id}/events?after=0"),
        (supervisor, f"/sessions/?q={customer.customer_id}"),
        (supervisor, "/admin/sessions_app/callsession/"),
    ):
        assert client.get(url).status_code == 200

    erase(customer, charlie)

    events = agent.get(f"/api/sessions/{call.public_id}/events?after=0").json()["events"]
    assert [event["kind"] for event in events][-1] == "analysis.complete"
    assert not any(secret in json.dumps(events) for secret in customer.secrets)
    page = agent.get(f"/sessions/{call.public_id}/").content.decode()
    assert "The transcript was removed when the customer's data was erased." in page
    assert not any(secret in page for secret in customer.secrets)
    assert not any(cache_contains(secret) for secret in customer.secrets)


def test_what_arrives_later_for_an_erased_call_is_not_kept(client, calls, customer, charlie):
    call = calls[0]
    erase(customer, charlie)
    caption = {"session_id": call.kallglot_id, "sequence": 2, "text": customer.said}
    late_caption = envelope("transcript.segment", caption)
    late_end = envelope(
        "session.ended",
        session_data(call.kallglot_id, "ended", ended_at="2026-03-26T11:00:40Z")
        | {"metadata": {"customer_id": customer.customer_id}},
    )

    assert deliver(client, late_caption).json()["outcome"] == "ignored"
    assert deliver(client, late_end).status_code == 200
    assert leftovers(customer) == []
    assert call.events.filter(kind="transcript.segment").count() == 1


def test_an_erased_transcript_is_not_fetched_again_nor_analysed(calls, customer, alice, upstream):
    call = calls[0]
    erase(customer, alice)
    CallSession.objects.filter(pk=call.pk).update(transcript_status="")

    client_for(alice).get(f"/sessions/{call.public_id}/transcript.txt")
    response = client_for(alice).post(
        f"/api/sessions/{call.public_id}/analysis", "{}", content_type="application/json"
    )

    assert response.json()["error"]["code"] == "transcript_removed"
    assert upstream == []


@pytest.mark.parametrize(
    "named", [{}, {"number": "call me"}, {"number": "  ", "customer_id": " "}, {"number": "12"}]
)
def test_it_needs_an_identifier_that_names_someone(charlie, named):
    with pytest.raises(ValueError, match="phone number"):
        privacy.erase_customer(actor=charlie, **named)

    assert not ErasureRecord.objects.exists()


application = URLRouter([path("ws/", URLRouter(websocket_urlpatterns))])


@pytest.fixture
def erased(calls, customer, charlie) -> CallSession:
    erase(customer, charlie)
    return calls[0]


@pytest.mark.django_db(transaction=True)
async def test_the_board_shows_the_erased_calls_captions_without_their_text(
    erased, customer, charlie
):
    ticket = await database_sync_to_async(board_ticket)(charlie)
    communicator = WebsocketCommunicator(application, f"/ws/supervisor/?ticket={ticket}")
    assert (await communicator.connect())[0]
    await communicator.receive_json_from()

    await communicator.send_json_to({"type": "watch", "session_id": str(erased.public_id)})
    captions = await communicator.receive_json_from()

    assert [event["data"] for event in captions["events"]] == [
        {"sequence": 1, "speaker": "customer", "language": "es"}
    ]
    assert not any(secret in json.dumps(captions) for secret in customer.secrets)
    await communicator.disconnect()


def board_ticket(supervisor: object) -> str:
    return tickets.issue(signed_in(supervisor), "board")
