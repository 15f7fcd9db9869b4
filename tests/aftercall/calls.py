"""A real call against the sandbox: created through the app, audio streamed, ended."""

from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import async_to_sync

from sessions_app.models import CallSession
from tests.conftest import SandboxControl, client_for
from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import open_stream, send_audio
from tests.webhooks.helpers import deliver, envelope


async def speak(session: dict, seconds_of_tone: int = 1) -> None:
    async with open_stream(session) as ws:
        await send_audio(ws, to_mulaw(bursts(seconds_of_tone)))
        await asyncio.sleep(0.2)


def recorded_call(user: object, sandbox: SandboxControl, client: object) -> CallSession:
    """End a sandbox call with audio, then deliver its recording.ready to the app."""
    app = client_for(user)
    body = json.dumps({"mode": "bidirectional_translation", "source_language": "en"})
    created = app.post("/api/sessions", body, content_type="application/json").json()
    async_to_sync(speak)(created)
    app.post(f"/api/sessions/{created['id']}/end")
    recording = wait_for_recording(sandbox, created["kallglot_id"])
    assert deliver(client, envelope("recording.ready", recording)).status_code == 200
    return CallSession.objects.get(public_id=created["id"])


def wait_for_recording(sandbox: SandboxControl, kallglot_id: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        items = sandbox.call("GET", f"sessions/{kallglot_id}/recordings").json()["data"]
        if items and items[0]["status"] == "ready":
            return sandbox.call("GET", f"recordings/{items[0]['id']}").json()
        time.sleep(0.1)
    raise AssertionError("no recording")
