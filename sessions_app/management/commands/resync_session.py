"""Re-read one session from Kallglot and apply what changed (and its transcript, if ended)."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from sessions_app import aftercall, services
from sessions_app.exceptions import CallError
from sessions_app.models import CallSession


class Command(BaseCommand):
    help = "Re-sync one session from Kallglot, by its Kallglot id (sess_…) or the app's id."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("session", help="sess_… or the app's session UUID")

    def handle(self, *args: object, session: str, **options: object) -> None:
        found = find(session)
        try:
            found = services.session_refresh(session=found)
        except CallError as exc:
            raise CommandError(f"{found.kallglot_id}: {exc.message}") from exc
        aftercall.transcript_fetch(session=found)
        self.stdout.write(f"{found.kallglot_id}: {found.status}")


def find(reference: str) -> CallSession:
    sessions = CallSession.objects.all()
    try:
        found = sessions.filter(public_id=uuid.UUID(reference)).first()
    except ValueError:
        found = sessions.filter(kallglot_id=reference).first()
    if found is None:
        raise CommandError(f"no session {reference}")
    return found
