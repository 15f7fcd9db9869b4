"""`manage.py sandbox_call` makes the running app's phone ring through the sandbox's Twilio
stand-in and prints the CallSid; what goes wrong is said plainly, with a non-zero exit."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT, server_env


def sandbox_call(server, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "sandbox_call", *args],
        cwd=ROOT,
        env=server_env(server.port, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_rings_the_first_twilio_number(sandbox_api, twilio_app, live_server_daphne):
    done = sandbox_call(live_server_daphne, "--from", "+4915112345678")

    assert done.returncode == 0, done.stderr
    call_sid = re.search(r"\bCA[0-9a-f]{32}\b", done.stdout).group()
    assert "ringing" in done.stdout
    voice = twilio_app.voice_webhooks()[0]
    assert (voice.params["CallSid"], voice.params["To"], voice.params["From"]) == (
        call_sid,
        "+4930901820",
        "+4915112345678",
    )
    assert [r.status for r in twilio_app.status_callbacks(until="in-progress")] == ["in-progress"]


def test_it_says_why_the_sandbox_refused(sandbox_api, twilio_app, live_server_daphne):
    done = sandbox_call(live_server_daphne, "--to", "030 901820")

    assert done.returncode != 0
    assert "The sandbox answered 400: 'to' must be a phone number in E.164 form" in done.stderr
    assert "Traceback" not in done.stderr
    assert twilio_app.requests == []


def test_it_says_when_the_app_is_not_running(live_server_daphne):
    done = sandbox_call(live_server_daphne, APP_BASE_URL="http://127.0.0.1:9")

    assert done.returncode != 0
    assert "Cannot reach the sandbox at http://127.0.0.1:9/sandbox/v1" in done.stderr
    assert "Traceback" not in done.stderr
