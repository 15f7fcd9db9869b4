"""Refuse, in sandbox mode, an address that other machines could reach (bin/serve runs it).

Sandbox mode answers as Kallglot with secrets kept on this machine and serves the sandbox's
control API to anyone who reaches it: it listens on loopback only, unless
KALLGLOT_SANDBOX_PUBLIC=true says that is meant.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def host_of(address: str) -> str:
    """The host of "8000", "127.0.0.1:8000" or "[::1]:8000"."""
    if ":" not in address:
        return "127.0.0.1"
    return address.rsplit(":", 1)[0].strip("[]")


class Command(BaseCommand):
    help = "Exit with an error if sandbox mode would listen beyond this machine's loopback."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("address", help='what bin/serve listens on, e.g. "127.0.0.1:8000"')

    def handle(self, *args: object, address: str, **options: object) -> None:
        host = host_of(address)
        if not settings.KALLGLOT_SANDBOX or settings.KALLGLOT_SANDBOX_PUBLIC or is_loopback(host):
            return
        raise CommandError(
            f"Sandbox mode listens on this machine only, not on {host}: its control API and"
            " webhook receiver would be open to the network. Use 127.0.0.1, or set"
            " KALLGLOT_SANDBOX_PUBLIC=true if every machine that can reach it is trusted."
        )
