"""holds.py: one console page holds a live call; the newest to take it holds it, a page that
only reconnects does not steal it, and a call that no page holds is ended by the server once
CALL_PAGE_GRACE has passed (by its timer, or by the sweep a process that died left to do)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app import holds
from sessions_app.agents import PAGE_STALE_SECONDS
from sessions_app.models import AgentPage, CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(sandbox, alice) -> CallSession:
    body = json.dumps({"mode": "bidirectional_translation"})
    client_for(alice).post("/api/sessions", body, content_type="application/json")
    return CallSession.objects.get()


def page(agent, name: str, *, seen_ago: float = 0) -> AgentPage:
    seen = timezone.now() - timedelta(seconds=seen_ago)
    return AgentPage.objects.create(channel_name=name, agent=agent, page_id=name, seen_at=seen)


def holder(call: CallSession) -> str | None:
    return holds.call_json(call)["page"]


def test_the_newest_page_to_take_the_call_holds_it(call, alice):
    first, second = page(alice, "first"), page(alice, "second")
    holds.hold(alice.pk, first.channel_name, call.public_id, take=True)
    assert holder(call) == "first"

    holds.hold(alice.pk, second.channel_name, call.public_id, take=True)

    assert holder(call) == "second"
    assert AgentPage.objects.get(pk=first.pk).call is None


def test_a_page_that_only_reconnects_does_not_steal_the_call(call, alice):
    first, second = page(alice, "first"), page(alice, "second")
    holds.hold(alice.pk, second.channel_name, call.public_id, take=True)

    holds.hold(alice.pk, first.channel_name, call.public_id, take=False)

    assert holder(call) == "second"


def test_a_reconnecting_page_keeps_a_call_whose_other_holder_went_silent(call, alice):
    silent = page(alice, "silent", seen_ago=PAGE_STALE_SECONDS + 1)
    silent.call = call
    silent.save()
    back = page(alice, "back")

    holds.hold(alice.pk, back.channel_name, call.public_id, take=False)

    assert holder(call) == "back"


def test_nobody_holds_another_agents_call(call, alice, bob):
    bobs = page(bob, "bobs")

    holds.hold(bob.pk, bobs.channel_name, call.public_id, take=True)

    assert AgentPage.objects.get(pk=bobs.pk).call is None


def test_the_grace_begins_when_the_last_holder_goes(call, alice):
    first, second = page(alice, "first"), page(alice, "second")
    holds.hold(alice.pk, first.channel_name, call.public_id, take=True)
    holds.hold(alice.pk, second.channel_name, call.public_id, take=False)  # first holds it

    holds.page_gone(call.pk)  # a page that did not hold it went: first still does
    assert CallSession.objects.get(pk=call.pk).pages_left_at is None

    first.delete()
    holds.page_gone(call.pk)
    call.refresh_from_db()
    assert call.pages_left_at is not None
    assert holds.unheld_call(alice.pk) == call
    message = holds.call_json(call)
    assert message["page"] is None
    assert 0 < message["ends_in"] <= holds.settings.CALL_PAGE_GRACE


def test_taking_the_call_back_stops_the_grace(call, alice, settings):
    settings.CALL_PAGE_GRACE = 0
    holds.page_gone(call.pk)
    back = page(alice, "back")

    holds.hold(alice.pk, back.channel_name, call.public_id, take=True)
    holds.end_if_left(call.pk)

    call.refresh_from_db()
    assert call.pages_left_at is None
    assert call.status != "ended"


def test_a_call_left_past_the_grace_ends_with_its_reason(call, alice, sandbox, settings):
    settings.CALL_PAGE_GRACE = 30
    holds.page_gone(call.pk)
    holds.end_if_left(call.pk)  # within the grace: nothing
    assert CallSession.objects.get(pk=call.pk).status != "ended"

    CallSession.objects.filter(pk=call.pk).update(
        pages_left_at=timezone.now() - timedelta(seconds=31)
    )
    holds.end_if_left(call.pk)

    call.refresh_from_db()
    assert call.status == "ended"
    assert call.end_reason == holds.PAGES_LEFT
    assert sandbox.session(call.kallglot_id)["status"] == "ended"
    assert holds.unheld_call(alice.pk) is None


def test_the_sweep_ends_what_a_dead_process_left(call, alice, sandbox, settings):
    settings.CALL_PAGE_GRACE = 30
    CallSession.objects.filter(pk=call.pk).update(
        pages_left_at=timezone.now() - timedelta(seconds=31)
    )

    holds.sweep()

    assert CallSession.objects.get(pk=call.pk).status == "ended"


def test_the_sweep_starts_the_grace_of_a_call_held_by_a_silent_page(call, alice):
    silent = page(alice, "silent", seen_ago=PAGE_STALE_SECONDS + 1)
    silent.call = call
    silent.save()

    holds.sweep()

    assert CallSession.objects.get(pk=call.pk).pages_left_at is not None
