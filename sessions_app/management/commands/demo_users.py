"""Create the demo agent and supervisor if absent, and print their logins and the pages they
sign in to (at APP_BASE_URL, which bin/serve sets to the address it serves); in sandbox mode,
also the demo telephony routes (on the numbers and connections the sandbox knows), the queue
of the centre's own Twilio number, and the wrap-up dispositions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.urls import reverse

from sessions_app.models import AgentProfile, Disposition, Queue, Route

DEMO_USERS = (
    ("agent", "agent-demo-pass", False),
    ("supervisor", "supervisor-demo-pass", True),
)
# The sandbox's default managed number and connection (kallglot_sandbox/README.md).
DEMO_ROUTES = (
    {"label": "Browser only", "kind": Route.Kind.BROWSER, "is_default": True},
    {
        "label": "Berlin line",
        "kind": Route.Kind.MANAGED_NUMBER,
        "phone_number": "+4930901820",
        "customer_language": "de",
        "agent_language": "en",
    },
    {
        "label": "Own Twilio",
        "kind": Route.Kind.CONNECTION,
        "connection_id": "pcon_sandbox_twilio",
        "phone_number": "+4930901821",  # the centre's own number: its calls come in to a queue
        "customer_language": "de",
        "agent_language": "en",
    },
    {"label": "PBX (SIP)", "kind": Route.Kind.SIP, "direction": Route.Direction.INBOUND},
)

DEMO_GREETING = "Willkommen beim Kundenservice. Einen Moment bitte, wir verbinden Sie."
DEMO_DISPOSITIONS = ("Question answered", "Order placed", "Complaint", "Call back", "Wrong number")


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
                AgentProfile.objects.get_or_create(user=user, defaults={"languages": "en,de"})
            state = "created" if created else "exists, password unchanged"
            self.stdout.write(f"demo login: {username} / {password}  ({state})")
        self.pages()
        if settings.KALLGLOT_SANDBOX:
            self.demo_telephony()

    def pages(self) -> None:
        for name, url, who in (
            ("console", reverse("console"), "agents"),
            ("board", reverse("board"), "supervisors"),
            ("admin", reverse("admin:index"), "supervisors"),
        ):
            self.stdout.write(f"{name}: {settings.APP_BASE_URL}{url}  ({who})")

    def demo_telephony(self) -> None:
        if not Route.objects.exists():
            for fields in DEMO_ROUTES:
                Route.objects.create(**fields)
            Queue.objects.create(
                route=Route.objects.get(label="Own Twilio"), greeting=DEMO_GREETING
            )
            self.stdout.write(f"demo routes: {', '.join(r['label'] for r in DEMO_ROUTES)}")
            self.stdout.write("demo inbound line: Own Twilio, +49 30 901821 (its queue rings")
            self.stdout.write("  agents who are Available; make it ring from the console or")
            self.stdout.write("  with: .venv/bin/python manage.py sandbox_call)")
        if not Disposition.objects.exists():
            for position, label in enumerate(DEMO_DISPOSITIONS):
                Disposition.objects.create(label=label, position=position)
