"""`manage.py purge`: says per kind what it removed; --dry-run says what would go and changes
nothing; safe to run again and again from cron."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from sessions_app.models import CallSession, SessionEvent, TranscriptTurn, WebhookEvent
from tests.privacy.calls import Customer, personal_call

pytestmark = pytest.mark.django_db

REMOVED = [
    "webhook bodies received over 30 days ago: removed 8 bodies",
    "transcripts of calls ended over 365 days ago: removed 2 turns, 2 captions, 2 analyses",
    "recordings of calls ended over 90 days ago: removed 2 recordings",
    "customer numbers of calls ended over 90 days ago: removed 2 calls' numbers and CRM references",
]


def purge(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("purge", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def snapshot() -> str:
    models = (CallSession, SessionEvent, TranscriptTurn, WebhookEvent)
    return "".join(serializers.serialize("json", model.objects.order_by("pk")) for model in models)


@pytest.fixture
def old_calls(alice, client):
    ended = timezone.now() - timedelta(days=400)
    return [personal_call(alice, client, Customer.new(), ended=ended) for _ in range(2)]


def test_it_says_per_kind_what_it_removed(old_calls):
    assert purge() == REMOVED


def test_a_dry_run_changes_nothing_and_counts_what_a_run_removes(old_calls):
    before = snapshot()

    lines = purge("--dry-run")

    assert snapshot() == before
    assert lines == ["dry run: nothing was changed"] + [
        line.replace(": removed", ": would remove") for line in REMOVED
    ]
    assert purge() == REMOVED


def test_it_is_safe_to_run_again(old_calls):
    purge()

    assert purge() == [
        "webhook bodies received over 30 days ago: removed nothing",
        "transcripts of calls ended over 365 days ago: removed nothing",
        "recordings of calls ended over 90 days ago: removed nothing",
        "customer numbers of calls ended over 90 days ago: removed nothing",
    ]
