"""Filing a call checks what the agent sends: an offered disposition (by its id, nothing that
only looks like one), a note of bounded length, an ended call of their own."""

from __future__ import annotations

import pytest

from sessions_app.models import Disposition
from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(alice):
    return ended_call(alice)


@pytest.fixture
def billing() -> Disposition:
    """Id 1: what `true` would name, were a boolean taken for a number."""
    Disposition.objects.create(pk=2, label="Retired", is_active=False)
    return Disposition.objects.create(pk=1, label="Billing question")


def file(client, call, body: dict):
    url = f"/api/sessions/{call.public_id}/wrap-up"
    return client.post(url, body, content_type="application/json")


def test_an_offered_disposition_and_a_note_are_stored(alice, answered, billing):
    response = file(client_for(alice), answered, {"disposition": billing.pk, "note": " Paid. "})

    assert response.status_code == 200
    assert response.json()["wrap_up"]["disposition"] == "Billing question"
    assert response.json()["wrap_up"]["note"] == "Paid."


@pytest.mark.parametrize("choice", [True, "1", 0, None, 10_000])
def test_anything_but_an_offered_dispositions_id_is_refused(alice, answered, billing, choice):
    response = file(client_for(alice), answered, {"disposition": choice})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "disposition"


def test_a_disposition_no_longer_offered_is_refused(alice, answered, billing):
    retired = Disposition.objects.get(label="Retired")

    assert file(client_for(alice), answered, {"disposition": retired.pk}).status_code == 400


def test_a_note_past_its_length_is_refused(alice, answered, billing):
    body = {"disposition": billing.pk, "note": "x" * 2001}

    assert file(client_for(alice), answered, body).json()["error"]["param"] == "note"


def test_a_call_not_ended_yet_cannot_be_filed(alice, billing):
    live = ended_call(alice, status="active", ended_at=None)

    assert file(client_for(alice), live, {"disposition": billing.pk}).status_code == 409


def test_another_agents_call_is_not_found(bob, answered, billing):
    assert file(client_for(bob), answered, {"disposition": billing.pk}).status_code == 404
