"""A recording far larger than a chunk streams through the app without being held in memory.

The sandbox runs as its own process here, so the app process's peak memory is the app's
alone; the peak must not grow by anything near the recording's size.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from sessions_app.models import CallSession, Recording
from tests.aftercall.calls import speak, wait_for_recording
from tests.conftest import WEBHOOK_SINK, SandboxControl, start_daphne

pytestmark = pytest.mark.django_db(transaction=True)

EXTRA_SECONDS = 3000  # about 48 MB of 16-bit 8 kHz audio


def peak_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def servers(tmp_path, django_db_setup):
    sandbox = start_daphne(tmp_path, app="kallglot_sandbox.asgi:application", ready_path="/v1/")
    app = start_daphne(tmp_path, KALLGLOT_API_BASE=f"{sandbox.url}/v1")
    yield sandbox, app
    app.stop()
    sandbox.stop()


def big_recording(control: SandboxControl) -> tuple[dict, dict]:
    control.config(recording_extra_seconds=EXTRA_SECONDS, webhook_url=WEBHOOK_SINK)
    upstream = control.call(
        "POST", "sessions", json={"mode": "ai_agent", "recording": {"enabled": True}}
    ).json()
    async_to_sync(speak)(upstream)
    control.call("POST", f"sessions/{upstream['id']}/end")
    return upstream, wait_for_recording(control, upstream["id"], timeout=30)


def test_a_large_recording_streams_in_flat_memory(servers, alice):
    sandbox, app = servers
    upstream, rec = big_recording(SandboxControl(f"{sandbox.url}/v1"))
    session = CallSession.objects.create(kallglot_id=upstream["id"], agent=alice, mode="ai_agent")
    recording = Recording.objects.create(
        kallglot_id=rec["id"], session=session, status="ready", format="wav", size_bytes=rec["size"]
    )
    browser = Client()
    browser.force_login(alice)
    cookies = {"sessionid": browser.cookies["sessionid"].value}
    before = peak_rss_bytes(app.process.pid)

    received = 0
    url = f"{app.url}/recordings/{recording.public_id}/audio"
    with httpx.stream("GET", url, cookies=cookies, timeout=60) as response:
        assert response.status_code == 200
        for chunk in response.iter_bytes(64 * 1024):
            received += len(chunk)

    growth = peak_rss_bytes(app.process.pid) - before
    assert rec["size"] > 40 * 1024 * 1024
    assert received == rec["size"]
    assert growth < rec["size"] / 4, f"peak memory grew by {growth} bytes"
