"""`manage.py runsandbox --port N`: the Kallglot sandbox alone, as its own Daphne process.

REST at http://127.0.0.1:N/v1 and the stream at ws://127.0.0.1:N/v1/sessions/<id>/connect, like
the real API's layout, so a client can be pointed at it with nothing but a base URL.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve only the Kallglot sandbox (REST at /v1, stream at /v1/sessions/<id>/connect)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8100, help="port (default 8100)")
        parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
        parser.add_argument(
            "--webhook-url", help="deliver webhooks here (default KALLGLOT_SANDBOX_WEBHOOK_URL)"
        )
        parser.add_argument(
            "--webhook-secret", help="sign webhooks with this (default KALLGLOT_WEBHOOK_SECRET)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["webhook_url"]:
            settings.KALLGLOT_SANDBOX_WEBHOOK_URL = options["webhook_url"]
        if options["webhook_secret"]:
            settings.KALLGLOT_WEBHOOK_SECRET = options["webhook_secret"]
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from kallglot_sandbox.asgi import application

        host, port = options["host"], options["port"]
        self.stdout.write(
            f"Kallglot sandbox: REST http://{host}:{port}/v1, "
            f"stream ws://{host}:{port}/v1/sessions/<id>/connect, "
            f"webhooks to {settings.KALLGLOT_SANDBOX_WEBHOOK_URL or '(nowhere)'}"
        )
        self.stdout.flush()
        endpoints = build_endpoint_description_strings(host=host, port=port)
        Server(application=application, endpoints=endpoints, verbosity=0).run()
