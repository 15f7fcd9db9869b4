"""End sessions left open (created or live) longer than a given age."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from sessions_app import services
from sessions_app.exceptions import CallError
from sessions_app.models import CallSession


class Command(BaseCommand):
    help = "End upstream and record every session still open after --older-than minutes."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--older-than", type=int, default=240, help="minutes (default 240)")

    def handle(self, *args: object, older_than: int, **options: object) -> None:
        cutoff = timezone.now() - timedelta(minutes=older_than)
        stale = (
            CallSession.objects.known()
            .filter(created_at__lt=cutoff)
            .exclude(status=CallSession.Status.ENDED)
        )
        ended = 0
        for session in stale:
            try:
                services.session_end(session=session, reason="stale")
                ended += 1
            except CallError as exc:
                self.stderr.write(f"{session.kallglot_id}: {exc.message}")
        self.stdout.write(f"ended {ended} stale session(s)")
