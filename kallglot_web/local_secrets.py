"""Sandbox mode's secrets, made for this installation on its first run and kept in `.env`.

A fixed development key would let anyone who read this repository sign a board ticket or a
webhook for any installation left running in sandbox mode. So each installation gets its own
Django secret key, webhook secret and sandbox API key, written once to the ignored `.env`
(never printed), and read from there as any other setting. A value set in the environment
or already in the file wins and is never rewritten.
"""

from __future__ import annotations

import fcntl
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

MAKERS: dict[str, Callable[[], str]] = {
    "DJANGO_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "KALLGLOT_WEBHOOK_SECRET": lambda: "whsec_" + secrets.token_urlsafe(32),
    "KALLGLOT_SANDBOX_API_KEY": lambda: "sk_test_" + secrets.token_urlsafe(24),
    # The sandbox's Twilio stand-in signs its webhooks with it, as Twilio with the centre's.
    "TWILIO_AUTH_TOKEN": lambda: secrets.token_hex(16),
}


def ensure(env_file: Path, environ: Mapping[str, str]) -> list[str]:
    """Add to `env_file` each secret that neither `environ` nor the file has; their names.

    The file is locked while it is read and written: two processes starting together (the
    test suite and its servers) end up with the same secrets.
    """
    with env_file.open("a+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        text = file.read()
        known = {line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line}
        missing = [name for name in MAKERS if not environ.get(name) and name not in known]
        if missing:
            lead = "" if not text or text.endswith("\n") else "\n"
            made = "".join(f"{name}={MAKERS[name]()}\n" for name in missing)
            file.write(f"{lead}# Made for this installation by sandbox mode.\n{made}")
    env_file.chmod(0o600)
    return missing
