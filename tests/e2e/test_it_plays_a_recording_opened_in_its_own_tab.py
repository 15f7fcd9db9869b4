"""A recording opened in a tab of its own plays in the browser's media page.

The audio response carries its own strict CSP (no script, a sandbox): that policy must
still let the browser's media page load the audio it was opened for.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from sessions_app.models import Recording
from tests.aftercall.factories import ended_call
from tests.conftest import LiveServer
from tests.e2e.pages import poll, signed_in_page
from tests.hostile_upstream import HostileUpstream, tiny_wav

pytestmark = pytest.mark.e2e

MEDIA = """() => {
  const media = document.querySelector("video, audio");
  return media && { ready: media.readyState, duration: media.duration,
                    error: media.error && media.error.code };
}"""


def settled(page: Page) -> dict | None:
    """The media element's state once it has the recording's metadata or an error."""
    state = page.evaluate(MEDIA)
    return state if state and (state["ready"] >= 1 or state["error"]) else None


def test_a_wav_recording_opened_in_a_tab_loads(
    browser: Browser, hostile_app: LiveServer, hostile: HostileUpstream, alice: object
) -> None:
    call = ended_call(alice)
    fake = hostile.add(call.kallglot_id, content_type=b"audio/x-wav", body=tiny_wav())
    recording = Recording.objects.create(
        kallglot_id=fake.kallglot_id, session=call, status="ready", format="wav"
    )
    logged: list[str] = []

    with signed_in_page(browser, hostile_app, alice) as page:
        page.on("console", lambda message: logged.append(message.text))
        page.goto(f"{hostile_app.url}/recordings/{recording.public_id}/audio")
        media = poll(lambda: settled(page), "the media page to load the recording or fail")

    assert media["error"] is None
    assert media["duration"] == pytest.approx(0.1)
    assert logged == []
