"""Apply again the webhook deliveries that failed (or were stored and never applied)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from sessions_app.ingest import webhook_apply
from sessions_app.models import WebhookEvent


class Command(BaseCommand):
    help = "Reprocess failed webhook deliveries, and received ones older than --stuck-after."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("--stuck-after", type=int, default=300, help="seconds (default 300)")

    def handle(self, *args: object, stuck_after: int, **options: object) -> None:
        cutoff = timezone.now() - timedelta(seconds=stuck_after)
        failed = WebhookEvent.objects.filter(outcome=WebhookEvent.Outcome.FAILED)
        stuck = WebhookEvent.objects.filter(
            outcome=WebhookEvent.Outcome.RECEIVED, received_at__lt=cutoff
        )
        applied = errors = 0
        for event in (failed | stuck).order_by("received_at"):
            try:
                webhook_apply(event=event)
                applied += 1
            except Exception:  # noqa: BLE001 - kept as failed with its traceback
                errors += 1
                self.stderr.write(f"{event.event_id}: failed again")
        self.stdout.write(f"reprocessed {applied}, still failing {errors}")
