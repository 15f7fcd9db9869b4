"""Personal data: purged once past its retention period, and erased for one customer on request.

A customer's phone number and CRM references, what they said (transcript turns, the text of
live captions, the summary, sentiment and keywords of an analysis, which quote and judge
them), their recorded voice, and Kallglot's raw webhook bodies, which carry all of these, are
personal data. Two paths remove them, and share the steps that do:

- `purge()`, run daily by `manage.py purge`, removes each kind once it is older than its
  RETAIN_*_DAYS setting (0 keeps that kind for ever). A call's age counts from its end (from
  its creation if it never recorded one).

  * Webhook bodies: the body and stored headers of deliveries received before the cutoff whose
    outcome is final (applied or ignored): Kallglot's, and Twilio's status callbacks of
    inbound calls (form-encoded, with the caller's number in From and Caller). The row stays,
    so a late repeat of the event is still known by its id and not applied twice. A delivery
    not applied yet keeps its body, which applying it needs; the report counts those.
  * Transcripts: the turns, caption text and analyses' summary, sentiment and keywords of the calls
    ended before the cutoff. Their transcript_status becomes "purged": the app does not fetch
    them again from Kallglot.
  * Recordings: the recording rows of the calls ended before the cutoff.
  * Customer numbers: `customer_number` and the whole `metadata` of the calls ended before the
    cutoff, an inbound call's caller as its queue record (`QueuedCall`) keeps it, and a
    dialled customer's number as its outbound call's record (`OutboundCall`) keeps it. The
    metadata is the CRM's context of the call (customer id, ticket, the CRM's call id, any
    other key the CRM sent) or an inbound call's caller: each of them leads back to the
    customer.

- `erase_customer()` removes all of the above at once, whatever its age, from every call of
  one customer, named by phone number, CRM customer id or both (sessions_app.customers), and
  also blanks every stored delivery of those calls, Twilio's status callbacks of an inbound
  or dialled call included (found by its CallSid; one not applied yet is marked ignored: without its
  body it never can be). It writes an `ErasureRecord`: who, when, how much, and
  keyed hashes of the identifiers, never the identifiers. The calls are marked erased
  (`erased_at`): what arrives for them later that would bring personal data back (a late
  webhook, a transcript fetch, an analysis request) is not stored or not made.

What stays identifies nobody and is what reporting counts: the call row (agent, mode,
languages, status, times, duration, end reason, its number of events, the disposition an agent
filed it under), an inbound call's queue record without its caller (queue, wait, outcome, the
Twilio CallSid), its numbered events
(captions keep their speaker, language and sequence), webhook deliveries without their
bodies, and analyses' status, compliance and performance (of the agent's work). No other copy
exists in the app: sockets get each event once as it happens and resync from the database
(`GET /api/sessions/<id>/events`, the board's recent captions), and the cache holds sign-in
sessions, never call data.

Kallglot keeps its own copies (the session's metadata, the transcript, the recordings) under
its own retention; its API has no call that deletes them (kallglot-api.md lists none). The app
forgets them: without the row it can no longer stream a recording, which Kallglot deletes at
its `expires_at`.

The work goes in batches, each in a transaction of its own, so a large table is never held by
one long transaction; each step passes over what is already removed, so a repeated or
interrupted run is safe.
"""

from __future__ import annotations

import functools
import logging
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from sessions_app import customers, relay
from sessions_app.models import (
    Analysis,
    CallSession,
    ErasureRecord,
    OutboundCall,
    QueuedCall,
    Recording,
    SessionEvent,
    TranscriptTurn,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

BATCH = 200
FINAL = (WebhookEvent.Outcome.APPLIED, WebhookEvent.Outcome.IGNORED)
CAPTION_TEXT = ("text", "translation")
ANALYSIS_EVENTS = ("analysis.complete", "analysis.failed")
ANALYSIS_TEXT = ("summary", "sentiment", "keywords")  # keywords are words the call said
# Webhook events that store what the customer said, or their voice: not applied once erased.
PERSONAL_EVENTS = (
    "transcript.segment",
    "transcript.ready",
    "recording.ready",
    "recording.failed",
    "analysis.complete",
    "analysis.failed",
)
IDS = "calls' numbers and CRM references"


@dataclass
class Removed:
    """One kind of personal data, which of it was in scope, and how much of it went (no
    counts: the kind is kept for ever)."""

    kind: str
    scope: str
    counts: Counter | None = field(default_factory=Counter)
    note: str = ""

    def line(self, verb: str) -> str:
        if self.counts is None:
            return f"{self.kind} {self.scope}"
        found = ", ".join(f"{count} {what}" for what, count in self.counts.items() if count)
        text = f"{self.kind} {self.scope}: {verb} {found or 'nothing'}"
        return f"{text}; {self.note}" if self.note else text


@dataclass
class Report:
    """What a purge or an erasure removed (in a dry run: would remove), kind by kind."""

    removed: list[Removed] = field(default_factory=list)
    dry_run: bool = False
    record: ErasureRecord | None = None

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        return [item.line(verb) for item in self.removed]

    def counts(self) -> dict[str, int]:
        total = Counter()
        for item in self.removed:
            total.update(item.counts or {})
        return dict(total)


# --- Purge --------------------------------------------------------------------------------


def purge(now: datetime | None = None, dry_run: bool = False) -> Report:
    """Remove every kind of personal data past its retention period (the module docstring)."""
    now = now or timezone.now()
    return Report([purge_kind(kind, now, dry_run) for kind in KINDS], dry_run=dry_run)


@dataclass(frozen=True)
class Kind:
    """A kind of personal data: its setting, what is past a cutoff, how it is counted and
    removed (a batch of primary keys of `targets` at a time)."""

    name: str
    setting: str
    targets: Callable[[datetime], QuerySet]
    count: Callable[[QuerySet], Counter]
    forget: Callable[[list[int]], Counter]
    age: str = "of calls ended"
    note: Callable[[datetime], str] = lambda cutoff: ""


def purge_kind(kind: Kind, now: datetime, dry_run: bool) -> Removed:
    days = getattr(settings, kind.setting)
    if not days:
        return Removed(kind.name, f"are kept for ever ({kind.setting}=0)", counts=None)
    cutoff = now - timedelta(days=days)
    removed = Removed(kind.name, f"{kind.age} over {days} days ago", note=kind.note(cutoff))
    targets = kind.targets(cutoff)
    removed.counts = kind.count(targets) if dry_run else in_batches(targets, kind.forget)
    return removed


def bodies_received_before(cutoff: datetime) -> QuerySet[WebhookEvent]:
    """Final deliveries only: one not applied yet needs its body to be applied."""
    old = WebhookEvent.objects.filter(received_at__lt=cutoff, outcome__in=FINAL)
    return old.exclude(body="")


def unapplied(cutoff: datetime) -> str:
    old = WebhookEvent.objects.filter(received_at__lt=cutoff)
    pending = old.exclude(outcome__in=FINAL).count()
    return f"kept {pending} of deliveries not applied yet" if pending else ""


def transcripts_ended_before(cutoff: datetime) -> QuerySet[CallSession]:
    calls = ended_before(cutoff)
    return calls.exclude(transcript_status=CallSession.TRANSCRIPT_PURGED)


def purge_transcripts(pks: list[int]) -> Counter:
    counts = forget_transcripts(pks)
    calls = CallSession.objects.filter(pk__in=pks)
    calls.update(transcript_status=CallSession.TRANSCRIPT_PURGED)
    return counts


def recordings_ended_before(cutoff: datetime) -> QuerySet[Recording]:
    return Recording.objects.filter(session__in=ended_before(cutoff))


def identified_ended_before(cutoff: datetime) -> QuerySet[CallSession]:
    return identified(ended_before(cutoff))


def counter(label: str) -> Callable[[QuerySet], Counter]:
    return lambda targets: Counter({label: targets.count()})


def ended_before(cutoff: datetime) -> QuerySet[CallSession]:
    """Calls that ended before `cutoff`; a call with no recorded end counts from its creation.

    A call ends after it is created, so the indexed creation time narrows the search first.
    """
    calls = CallSession.objects.filter(created_at__lt=cutoff)
    return calls.alias(finished_at=Coalesce("ended_at", "created_at")).filter(
        finished_at__lt=cutoff
    )


def in_batches(targets: QuerySet, forget: Callable[[list[int]], Counter]) -> Counter:
    """Run `forget` over the targets' primary keys, one batch per transaction, in key order."""
    total, last = Counter(), 0
    targets = targets.order_by("pk").values_list("pk", flat=True)
    while pks := list(targets.filter(pk__gt=last)[:BATCH]):
        with transaction.atomic():
            total.update(forget(pks))
        last = pks[-1]
    return total


def transcript_counts(calls: QuerySet[CallSession]) -> Counter:
    """What `forget_transcripts` would remove from these calls."""
    events = SessionEvent.objects.filter(session__in=calls)
    return Counter(
        {
            "turns": TranscriptTurn.objects.filter(session__in=calls).count(),
            "captions": captions_with_text(events).count(),
            "analyses": analyses_with_text(Analysis.objects.filter(session__in=calls)).count(),
        }
    )


# --- What is removed, call by call (purge and erasure alike) -------------------------------


def forget_transcripts(pks: Iterable[int]) -> Counter:
    """Delete these calls' turns, and the customer's words in their captions and analyses."""
    turns, _ = TranscriptTurn.objects.filter(session__in=pks).delete()
    events = SessionEvent.objects.filter(session__in=pks)
    captions = rewrite(captions_with_text(events), without_caption_text)
    analyses = analyses_with_text(Analysis.objects.filter(session__in=pks))
    count = analyses.update(summary="", sentiment=None, keywords=[])
    rewrite(events.filter(kind__in=ANALYSIS_EVENTS), without_analysis_text)
    return Counter({"turns": turns, "captions": captions, "analyses": count})


def captions_with_text(events: QuerySet[SessionEvent]) -> QuerySet[SessionEvent]:
    has_text = Q(data__has_key="text") | Q(data__has_key="translation")
    return events.filter(has_text, kind__in=relay.CAPTIONS)


def analyses_with_text(analyses: QuerySet[Analysis]) -> QuerySet[Analysis]:
    return analyses.exclude(summary="", sentiment__isnull=True, keywords=[])


def rewrite(events: QuerySet[SessionEvent], change: Callable[[dict], dict]) -> int:
    """Store each event's data as `change` makes it; returns how many events changed."""
    changed = []
    for event in events.only("pk", "data"):
        data = change(event.data)
        if data != event.data:
            event.data = data
            changed.append(event)
    SessionEvent.objects.bulk_update(changed, ["data"], batch_size=BATCH)
    return len(changed)


def without_caption_text(data: dict) -> dict:
    """A caption keeps its sequence, speaker and language."""
    return {key: value for key, value in data.items() if key not in CAPTION_TEXT}


def without_analysis_text(data: dict) -> dict:
    """An analysis event keeps its shape (the pages read every key), its text set to null."""
    return data | {key: None for key in ANALYSIS_TEXT if key in data}


def forget_recordings(pks: list[int]) -> Counter:
    deleted, _ = Recording.objects.filter(pk__in=pks).delete()
    return Counter(recordings=deleted)


def forget_bodies(pks: list[int]) -> Counter:
    bodies = WebhookEvent.objects.filter(pk__in=pks).exclude(body="")
    return Counter(bodies=bodies.update(body="", headers={}))


def identified(calls: QuerySet[CallSession]) -> QuerySet[CallSession]:
    """The calls that still hold a customer number or CRM references (an inbound call's
    caller in its queue record and a dialled customer's number included)."""
    callers = QueuedCall.objects.filter(session=OuterRef("pk")).exclude(caller="")
    dialled = OutboundCall.objects.filter(session=OuterRef("pk")).exclude(number="")
    return calls.filter(
        ~Q(metadata={}) | ~Q(customer_number="") | Exists(callers) | Exists(dialled)
    )


def forget_ids(pks: Iterable[int]) -> Counter:
    found = list(identified(CallSession.objects.filter(pk__in=pks)).values_list("pk", flat=True))
    CallSession.objects.filter(pk__in=found).update(metadata={}, customer_number="")
    QueuedCall.objects.filter(session__in=found).exclude(caller="").update(caller="")
    OutboundCall.objects.filter(session__in=found).exclude(number="").update(number="")
    return Counter({IDS: len(found)})


KINDS = (
    Kind(
        "webhook bodies",
        "RETAIN_WEBHOOK_BODIES_DAYS",
        bodies_received_before,
        counter("bodies"),
        forget_bodies,
        age="received",
        note=unapplied,
    ),
    Kind(
        "transcripts",
        "RETAIN_TRANSCRIPTS_DAYS",
        transcripts_ended_before,
        transcript_counts,
        purge_transcripts,
    ),
    Kind(
        "recordings",
        "RETAIN_RECORDINGS_DAYS",
        recordings_ended_before,
        counter("recordings"),
        forget_recordings,
    ),
    Kind(
        "customer numbers",
        "RETAIN_CUSTOMER_NUMBERS_DAYS",
        identified_ended_before,
        counter(IDS),
        forget_ids,
    ),
)


# --- Erasure of one customer ---------------------------------------------------------------


def erase_customer(
    *, number: str | None = None, customer_id: str | None = None, actor: AbstractBaseUser
) -> Report:
    """Erase one customer's personal data from every call of theirs, and record it.

    The customer is named by `number` (matched as typed and as E.164), `customer_id` (the
    CRM's, in the calls' metadata), or both (the calls holding either).
    """
    customer = customers.named(number=number, customer_id=customer_id)
    with transaction.atomic():
        calls = list(customer.calls().values_list("pk", "kallglot_id"))
        report = erase_calls([pk for pk, _ in calls], [k for _, k in calls if k])
        report.record = ErasureRecord.objects.create(
            actor=actor, calls=len(calls), removed=report.counts(), **customer.hashes()
        )
    logger.info("erasure %s: %d call(s) of one customer", report.record.pk, len(calls))
    return report


def erase_calls(pks: list[int], kallglot_ids: list[str]) -> Report:
    """Remove every kind of personal data from these calls, and mark them erased."""
    scope = f"of {len(pks)} call(s)"
    deliveries = WebhookEvent.objects.filter(
        Q(session__in=pks) | Q(kallglot_session_id__in=kallglot_ids) | twilio_callbacks(pks)
    )
    recordings = Recording.objects.filter(session__in=pks).values_list("pk", flat=True)
    removed = [
        Removed("webhook bodies", scope, Counter(bodies=forget_deliveries(deliveries))),
        Removed("transcripts", scope, forget_transcripts(pks)),
        Removed("recordings", scope, forget_recordings(list(recordings))),
        Removed("customer numbers", scope, forget_ids(pks)),
    ]
    CallSession.objects.filter(pk__in=pks).update(erased_at=timezone.now())
    return Report(removed)


def twilio_callbacks(pks: list[int]) -> Q:
    """Twilio's status callbacks of these calls, stored by CallSid (telephony.store)."""
    sids = [
        *QueuedCall.objects.filter(session__in=pks).values_list("call_sid", flat=True),
        *OutboundCall.objects.filter(session__in=pks, call_sid__isnull=False).values_list(
            "call_sid", flat=True
        ),
    ]
    found = [Q(event_id__startswith=f"twilio:{sid}:") for sid in sids]
    return functools.reduce(operator.or_, found, Q(pk__in=[]))


def forget_deliveries(deliveries: QuerySet[WebhookEvent]) -> int:
    """Blank the deliveries' bodies; those not applied yet never will be (it needs the body)."""
    deliveries.exclude(outcome__in=FINAL).update(
        outcome=WebhookEvent.Outcome.IGNORED,
        error="Not applied: its call's customer data was erased first.",
        processed_at=timezone.now(),
    )
    return deliveries.exclude(body="").update(body="", headers={})
