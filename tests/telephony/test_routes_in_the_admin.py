"""Supervisors add and change routes in the admin: numbers checked and kept in E.164, each
kind with what it needs, one default route."""

from __future__ import annotations

import pytest

from sessions_app.models import Route
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ADD = "/admin/sessions_app/route/add/"


def form(**fields: str) -> dict:
    base = {"label": "Line", "kind": "browser", "direction": "inbound", "is_active": "on"}
    return base | NO_QUEUE | fields


# The route's page holds its queue's form too (an inline): here left empty.
NO_QUEUE = {"queue-TOTAL_FORMS": "0", "queue-INITIAL_FORMS": "0"}


def test_a_supervisor_adds_a_managed_number_typed_the_way_people_do(charlie):
    response = client_for(charlie).post(
        ADD, form(label="Berlin", kind="managed_number", phone_number="+49 (30) 901-820")
    )

    assert response.status_code == 302
    assert Route.objects.get().phone_number == "+4930901820"
    listing = client_for(charlie).get("/admin/sessions_app/route/").content.decode()
    assert "+49 30 901820" in listing


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "managed_number", "phone_number": "+49 123"},
            "phone_number",
            "not a valid phone number",
        ),
        (
            {"kind": "managed_number", "phone_number": "call me"},
            "phone_number",
            "is not a phone number",
        ),
        ({"kind": "connection", "connection_id": "twilio-1"}, "connection_id", "pcon_"),
        ({"kind": "sip", "sip_from_uri": "alice@example.com"}, "sip_from_uri", "sip:"),
        (
            {"kind": "browser", "phone_number": "+4930901820"},
            "phone_number",
            "Only a Kallglot-managed",
        ),
        ({"customer_language": "xx"}, "customer_language", "language the console offers"),
    ],
)
def test_each_kind_must_say_what_it_needs(charlie, fields, field, message):
    response = client_for(charlie).post(ADD, form(**fields))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Route.objects.exists()


def test_a_new_default_route_takes_over_from_the_old_one(charlie):
    old = Route.objects.create(label="Browser", is_default=True)

    client_for(charlie).post(ADD, form(label="PBX", kind="sip", is_default="on"))

    old.refresh_from_db()
    assert not old.is_default
    assert Route.objects.get(is_default=True).label == "PBX"


def test_the_database_keeps_one_default_route_whatever_writes_it(db):
    from django.db import IntegrityError, transaction

    Route.objects.create(label="One", is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Route.objects.create(label="Two", is_default=True)


def test_agents_cannot_change_routes(alice):
    assert client_for(alice).get(ADD).status_code == 302  # to the admin's sign-in
