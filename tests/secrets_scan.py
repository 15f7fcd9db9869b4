"""Watch the whole test run for the API key, the webhook secret or the Twilio auth token in a
response or log line.

A middleware added for the run scans every response the app produces in-process, a log
handler scans every record, and live servers' logs are scanned when they stop. Each test
fails if anything it caused leaked (see the autouse fixture in conftest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

leaks: list[str] = []


NAMES = ("KALLGLOT_API_KEY", "KALLGLOT_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN")


def secrets() -> dict[str, str]:
    """The secrets set for this run, by setting name."""
    values = {name: getattr(settings, name, "") for name in NAMES}
    return {name: value for name, value in values.items() if value}


def found_in(text: str, where: str) -> list[str]:
    """Where a secret shows, named by its setting (a failure must not print a piece of it)."""
    return [f"{where} contains {name}" for name, secret in secrets().items() if secret in text]


def scan(texts: Iterable[str], where: str) -> None:
    for text in texts:
        leaks.extend(found_in(text, where))


def response_texts(response: HttpResponse) -> list[str]:
    texts = [f"{name}: {value}" for name, value in response.items()]
    texts += [morsel.OutputString() for morsel in response.cookies.values()]
    if not response.streaming:
        texts.append(response.content.decode("utf-8", errors="replace"))
    return texts


class ScanResponses:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        scan(response_texts(response), f"response to {request.method} {request.path}")
        return response


class ScanLogs(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted leaks nothing
            return
        scan([text], f"log record from {record.name}")


def install() -> None:
    settings.MIDDLEWARE = ["tests.secrets_scan.ScanResponses", *settings.MIDDLEWARE]
    handler = ScanLogs()
    handler.setFormatter(logging.Formatter("%(message)s %(exc_text)s"))
    logging.getLogger().addHandler(handler)
