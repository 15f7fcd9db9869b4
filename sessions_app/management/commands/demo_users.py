"""Create the demo agent and supervisor if absent, and print their logins."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

DEMO_USERS = (
    ("agent", "agent-demo-pass", False),
    ("supervisor", "supervisor-demo-pass", True),
)


class Command(BaseCommand):
    help = "Create a demo agent and a demo supervisor if they do not exist yet."

    def handle(self, *args: object, **options: object) -> None:
        supervisors, _ = Group.objects.get_or_create(name="Supervisors")
        for username, password, is_supervisor in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = is_supervisor
                user.save()
                if is_supervisor:
                    user.groups.add(supervisors)
            state = "created" if created else "exists, password unchanged"
            self.stdout.write(f"demo login: {username} / {password}  ({state})")
