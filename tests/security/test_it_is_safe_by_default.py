"""Out of the box nothing runs on a well-known secret, sandbox mode stays on this machine,
and production (the sandbox off, DEBUG off) is HTTPS-only unless a setting says otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from channels.testing import WebsocketCommunicator
from django.core import signing

from kallglot_web import local_secrets
from sessions_app import tickets
from tests.conftest import ROOT

# What sandbox mode used to sign with, for every installation alike.
OLD_FIXED_KEY = "sandbox-only-insecure-key-do-not-use-in-production"


def test_each_installation_makes_its_own_secrets(tmp_path):
    first, second = tmp_path / "one.env", tmp_path / "two.env"

    assert local_secrets.ensure(first, {}) == list(local_secrets.MAKERS)
    local_secrets.ensure(second, {})

    made = [dict(line.split("=", 1) for line in f.read_text().splitlines() if "=" in line)
            for f in (first, second)]  # fmt: skip
    assert set(made[0]) == set(made[1]) == set(local_secrets.MAKERS)
    assert all(made[0][name] != made[1][name] for name in local_secrets.MAKERS)
    assert oct(first.stat().st_mode)[-3:] == "600"


def test_secrets_made_once_are_kept_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\nKALLGLOT_WEBHOOK_SECRET=whsec_mine")
    local_secrets.ensure(env_file, {"DJANGO_SECRET_KEY": "from-the-environment"})
    text = env_file.read_text()

    assert local_secrets.ensure(env_file, {}) == ["DJANGO_SECRET_KEY"]
    assert local_secrets.ensure(env_file, {}) == []
    assert env_file.read_text().startswith(text)
    assert "KALLGLOT_WEBHOOK_SECRET=whsec_mine\n" in text
    assert text.count("KALLGLOT_SANDBOX_API_KEY=") == 1


def test_this_installation_signs_with_a_secret_of_its_own(settings):
    assert settings.SECRET_KEY != OLD_FIXED_KEY
    assert settings.KALLGLOT_WEBHOOK_SECRET != "whsec_sandbox_local"
    assert settings.KALLGLOT_SANDBOX_API_KEY != "sk_test_sandbox"


@pytest.mark.django_db(transaction=True)
async def test_a_board_ticket_signed_with_the_old_fixed_key_opens_nothing(charlie):
    from kallglot_web.routing import websocket_application

    forged = signing.dumps(
        {"u": charlie.pk, "s": "board"}, key=OLD_FIXED_KEY, salt=tickets.SALT, compress=False
    )
    communicator = WebsocketCommunicator(
        websocket_application,
        f"/ws/supervisor/?ticket={forged}",
        headers=[(b"origin", b"http://127.0.0.1")],
    )
    await communicator.connect(timeout=5)

    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}


def run_settings(**env: str) -> dict:
    """The security settings a fresh process reads from `env` (and no .env's sandbox)."""
    names = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    names.append("SECURE_HSTS_SECONDS")
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n) for n in {names}}}))"
    )
    production = {
        "KALLGLOT_API_KEY": "sk_live_not_a_real_key_at_all",
        "KALLGLOT_WEBHOOK_SECRET": "whsec_production_like",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-of-reasonable-length-0123456789",
        "DJANGO_SETTINGS_MODULE": "kallglot_web.settings",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "SECURE_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base | production | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_is_https_only_by_default():
    values = run_settings()

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 180 * 86400


def test_production_turns_https_off_only_when_told():
    values = run_settings(SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false")

    assert values["SECURE_SSL_REDIRECT"] is values["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("address", ["0.0.0.0:8765", "192.168.1.20:8765", "[::]:8765"])
def test_bin_serve_refuses_to_open_sandbox_mode_to_the_network(address):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        ["bash", "bin/serve"],
        cwd=ROOT,
        env=env | {"PORT": address},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "Sandbox mode listens on this machine only" in result.stderr
    assert "KALLGLOT_SANDBOX_PUBLIC=true" in result.stderr


def test_sandbox_mode_may_listen_beyond_loopback_when_told():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check_listen", "0.0.0.0:8765"],
        cwd=ROOT,
        env=env | {"KALLGLOT_SANDBOX_PUBLIC": "true"},
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr
