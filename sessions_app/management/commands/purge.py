"""Remove personal data past its retention period (RETAIN_*_DAYS); meant for a daily cron.

Each kind is removed in batches of short transactions, and what is already removed is passed
over, so the command is safe to repeat, to interrupt and to run beside live traffic. It says
per kind what it removed; with --dry-run, what it would remove, changing nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sessions_app import privacy


class Command(BaseCommand):
    help = "Remove personal data past its retention period; --dry-run only says what would go."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be removed, change nothing"
        )

    def handle(self, *args: object, dry_run: bool, **options: object) -> None:
        report = privacy.purge(dry_run=dry_run)
        if dry_run:
            self.stdout.write("dry run: nothing was changed")
        for line in report.lines():
            self.stdout.write(line)
