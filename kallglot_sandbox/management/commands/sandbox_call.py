"""`manage.py sandbox_call [--to NUMBER] [--from NUMBER]`: make the phone ring.

Asks the running app's sandbox (`{APP_BASE_URL}/sandbox/v1`) for a simulated inbound call
through its Twilio stand-in (`POST _control/twilio/calls`), which then posts Twilio's voice
webhook to the app. For a person trying the inbound flow against `bin/serve`.
"""

from __future__ import annotations

import argparse
from typing import Any

import httpx
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

TIMEOUT_S = 10.0


class Command(BaseCommand):
    help = "Ring the app through the sandbox's Twilio stand-in (a simulated inbound call)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--to",
            help="the number called (default: the app's first inbound number, else the"
            " sandbox's first Twilio number)",
        )
        parser.add_argument("--from", dest="from_number", help="the caller's number (E.164)")
        parser.add_argument(
            "--hangup-after", type=float, help="the caller hangs up after this many seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"{settings.APP_BASE_URL}/sandbox/v1"
        key = getattr(settings, "KALLGLOT_SANDBOX_API_KEY", "")
        if not key:
            raise CommandError("KALLGLOT_SANDBOX_API_KEY is not set: is the sandbox on?")
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT_S) as client:
            to_number = options["to"] or _first_inbound_number() or _first_twilio_number(client)
            body: dict[str, Any] = {"to": to_number}
            if options["from_number"]:
                body["from"] = options["from_number"]
            if options["hangup_after"] is not None:
                body["caller_hangup_after_s"] = options["hangup_after"]
            call = _control(client, "POST", "_control/twilio/calls", json=body)
        self.stdout.write(f"{call['call_sid']} {call['status']} (calling {to_number})")


def _first_inbound_number() -> str | None:
    """The console app's first inbound number, when the app runs beside this sandbox."""
    if not apps.is_installed("sessions_app"):
        return None
    from sessions_app.routes import inbound_routes

    try:
        found = inbound_routes()
    except DatabaseError:  # the app's database is not set up here
        return None
    return found[0].phone_number if found else None


def _first_twilio_number(client: httpx.Client) -> str:
    numbers = _control(client, "GET", "_control/config")["numbers"]
    for number, provider in numbers.items():
        if provider == "twilio":
            return number
    raise CommandError("The sandbox has no Twilio number to call: pass --to.")


def _control(client: httpx.Client, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """One control call; every failure becomes a plain CommandError (exit status 1)."""
    try:
        response = client.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        raise CommandError(f"Cannot reach the sandbox at {client.base_url}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict):
        return body
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else "not the sandbox's answer"
    raise CommandError(f"The sandbox answered {response.status_code}: {message}")
