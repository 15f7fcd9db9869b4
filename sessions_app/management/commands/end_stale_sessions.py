"""End calls nobody will end: open longer than a given age, or their customer gone past the
hang-up grace (a worker whose timer would have ended it went away); then re-read every call
still open from Kallglot, which closes here the ones it no longer knows (`upstream_lost`) and
applies an end whose webhook never came. Safe to run from cron."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import QuerySet
from django.utils import timezone

from sessions_app import end_reasons, legs, services
from sessions_app.exceptions import CallError
from sessions_app.models import CallSession

ENDED = CallSession.Status.ENDED


class Command(BaseCommand):
    help = "End upstream and record every session still open after --older-than minutes."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--older-than", type=int, default=240, help="minutes (default 240)")

    def handle(self, *args: object, older_than: int, **options: object) -> None:
        cutoff = timezone.now() - timedelta(minutes=older_than)
        stale = CallSession.objects.known().filter(created_at__lt=cutoff).exclude(status=ENDED)
        ended = self.end_each(stale, "stale")
        self.stdout.write(f"ended {ended} stale session(s)")
        ended = self.end_each(legs.calls_past_grace(), "customer_hung_up")
        self.stdout.write(f"ended {ended} session(s) whose customer hung up")
        closed = self.close_forgotten(CallSession.objects.known().exclude(status=ENDED))
        self.stdout.write(f"closed {closed} session(s) Kallglot no longer knows")

    def end_each(self, calls: QuerySet[CallSession], reason: str) -> int:
        ended = 0
        for session in calls:
            try:
                services.session_end(session=session, reason=reason)
                ended += 1
            except CallError as exc:
                self.stderr.write(f"{session.kallglot_id}: {exc.message}")
        return ended

    def close_forgotten(self, calls: QuerySet[CallSession]) -> int:
        closed = 0
        for session in calls:
            try:
                session = services.session_refresh(session=session)
            except CallError as exc:
                self.stderr.write(f"{session.kallglot_id}: {exc.message}")
                continue
            closed += session.end_reason == end_reasons.UPSTREAM_LOST
        return closed
