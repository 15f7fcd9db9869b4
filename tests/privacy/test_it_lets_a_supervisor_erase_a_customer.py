"""The admin: a supervisor erases a customer by typing their number or id, or from selected
calls after confirming; erasures are an audit trail nobody edits or deletes; agents cannot."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession, ErasureRecord
from tests.conftest import client_for
from tests.privacy.calls import Customer, personal_call, rows_containing

pytestmark = pytest.mark.django_db

ADD = "/admin/sessions_app/erasurerecord/add/"
CALLS = "/admin/sessions_app/callsession/"


@pytest.fixture
def customer():
    return Customer.new()


@pytest.fixture
def calls(alice, bob, client, customer) -> list[CallSession]:
    return [personal_call(alice, client, customer), personal_call(bob, client, customer)]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def leftovers(customer: Customer) -> list[str]:
    return [row for secret in customer.secrets for row in rows_containing(secret)]


def test_a_supervisor_erases_a_customer_by_number(charlie, calls, customer):
    supervisor = client_for(charlie)
    assert "Erase a customer&#x27;s data" in supervisor.get(ADD).content.decode()

    response = supervisor.post(ADD, {"number": customer.number, "confirm": "on"}, follow=True)

    record = ErasureRecord.objects.get()
    assert (
        response.redirect_chain[-1][0] == f"/admin/sessions_app/erasurerecord/{record.pk}/change/"
    )
    assert (record.actor, record.calls, record.named_by) == (charlie, 2, "phone number")
    [message] = messages_of(response)
    assert message.startswith(f"Erasure {record.pk}: 2 call(s); removed 8 bodies, 2 turns,")
    assert customer.number not in response.content.decode()
    assert leftovers(customer) == []


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"confirm": "on"}, "Name the customer by a phone number or a CRM customer id."),
        ({"number": "call me", "customer_id": "c-1", "confirm": "on"}, "not a phone number."),
        ({"customer_id": "c-1"}, "This field is required."),
    ],
)
def test_the_form_refuses_what_names_nobody_or_is_not_confirmed(charlie, calls, form, error):
    response = client_for(charlie).post(ADD, form)

    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not ErasureRecord.objects.exists()


def test_the_calls_action_asks_first_then_erases_their_customers(charlie, calls, customer):
    supervisor = client_for(charlie)
    selected = {"action": "erase_customers", "_selected_action": [calls[0].pk]}

    confirm = supervisor.post(CALLS, selected)

    page = confirm.content.decode()
    assert "Yes, erase their data" in page
    assert (
        f"CRM customer id {customer.customer_id} and phone number {customer.number}: 2 calls"
        in page
    )
    assert not ErasureRecord.objects.exists()

    response = supervisor.post(CALLS, selected | {"erase": "yes"}, follow=True)

    record = ErasureRecord.objects.get()
    assert (record.calls, record.named_by) == (2, "phone number and CRM customer id")
    [message] = messages_of(response)
    assert message.startswith(f"Erasure {record.pk}: 2 call(s); removed 8 bodies")
    assert leftovers(customer) == []


def test_the_action_lists_each_customer_once(charlie, calls, customer, client, alice):
    other = personal_call(alice, client, Customer.new())
    selected = [calls[0].pk, calls[1].pk, other.pk]

    page = client_for(charlie).post(
        CALLS, {"action": "erase_customers", "_selected_action": selected}
    )

    assert len(page.context["customers"]) == 2


def test_the_action_says_when_no_selected_call_names_a_customer(charlie, alice):
    call = CallSession.objects.create(kallglot_id="sess_ANON", agent=alice, mode="ai_agent")

    response = client_for(charlie).post(
        CALLS, {"action": "erase_customers", "_selected_action": [call.pk]}, follow=True
    )

    assert messages_of(response) == [
        "None of these calls names its customer (a customer id or phone number)."
    ]
    assert not ErasureRecord.objects.exists()


def test_erasures_are_found_by_the_identifier_and_cannot_be_changed(charlie, calls, customer):
    supervisor = client_for(charlie)
    supervisor.post(ADD, {"customer_id": customer.customer_id, "confirm": "on"})
    record = ErasureRecord.objects.get()

    found = supervisor.get(f"/admin/sessions_app/erasurerecord/?q={customer.customer_id}")
    missed = supervisor.get("/admin/sessions_app/erasurerecord/?q=cust-nobody")
    page = supervisor.get(f"/admin/sessions_app/erasurerecord/{record.pk}/change/")

    assert list(found.context["cl"].result_list) == [record]
    assert list(missed.context["cl"].result_list) == []
    assert 'name="_save"' not in page.content.decode()
    assert (
        supervisor.post(f"/admin/sessions_app/erasurerecord/{record.pk}/delete/").status_code == 403
    )
    assert ErasureRecord.objects.count() == 1


def test_agents_cannot_erase(alice, calls, customer):
    agent = client_for(alice)

    assert agent.get(ADD).status_code == 302
    agent.post(ADD, {"customer_id": customer.customer_id, "confirm": "on"})
    agent.post(
        CALLS, {"action": "erase_customers", "_selected_action": [calls[0].pk], "erase": "yes"}
    )

    assert not ErasureRecord.objects.exists()
    assert CallSession.objects.get(pk=calls[0].pk).metadata["customer_id"] == customer.customer_id


def test_staff_without_the_permission_do_not_get_the_action(calls, customer, db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create(username="dana", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_callsession", "change_callsession"])
    )
    staff = client_for(viewer)

    actions = staff.get(CALLS).context["action_form"].fields["action"].choices
    response = staff.post(
        CALLS, {"action": "erase_customers", "_selected_action": [calls[0].pk], "erase": "yes"}
    )

    assert "erase_customers" not in [name for name, _ in actions]
    assert staff.get(ADD).status_code == 403
    assert response.status_code in (200, 302)
    assert not ErasureRecord.objects.exists()
