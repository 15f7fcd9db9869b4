"""Real Chromium with a fake microphone against the live Daphne server (testing-recipes.md).

Every e2e test runs on `transactional_db`: the users and sessions it creates must be committed
for the server process to see them.
"""

from __future__ import annotations

import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.conftest import LiveServer, SandboxControl, start_daphne
from tests.e2e.pages import BoardPage, ConsolePage, launch, open_board, open_console
from tests.hostile_upstream import HostileUpstream

# The fake microphone: tone bursts the sandbox hears as utterances (its voice activity
# detector ends one after 600 ms of silence), led in by silence while the call connects.
TONE_HZ = 440.0
TONE_DBFS = -12.0
LEAD_SILENCE_S = 1.5  # start→live takes ~0.5 s; the first burst must arrive whole
BURST_S = 1.0
GAP_S = 1.2
BURSTS = 3
# With %noloop Chromium repeats the file's last 10 ms forever: end on silence.
TAIL_SILENCE_S = 0.6


def write_tone_bursts(path: Path, rate: int = 48_000) -> Path:
    amplitude = 10 ** (TONE_DBFS / 20)
    t = np.arange(int(BURST_S * rate)) / rate
    burst = amplitude * np.sin(2 * np.pi * TONE_HZ * t)
    parts = [np.zeros(int(LEAD_SILENCE_S * rate))]
    for _ in range(BURSTS):
        parts += [burst, np.zeros(int(GAP_S * rate))]
    parts.append(np.zeros(int(TAIL_SILENCE_S * rate)))
    pcm = (np.concatenate(parts) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


@pytest.fixture(scope="session")
def fake_mic_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tone_bursts(tmp_path_factory.mktemp("mic") / "tone-bursts.wav")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    # Own, module-scoped driver: pytest-playwright's session-wide loop breaks asyncio tests.
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="module")
def browser(playwright: Playwright, fake_mic_wav: Path) -> Iterator[Browser]:
    """Chromium whose microphone plays the tone bursts once, permission granted."""
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={fake_mic_wav}%noloop",
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _committed_rows(transactional_db: None, live_server_daphne: LiveServer) -> Iterator[None]:
    """The Daphne server reads the test database from another process.

    Before the tables are emptied for the next test, the server is quietened: its sandbox
    is reset (no more webhooks from this test's calls) and in-flight requests get a moment,
    so emptying the tables never races the server for locks (PostgreSQL deadlocks there).
    """
    yield
    SandboxControl(live_server_daphne.sandbox_base).reset()
    time.sleep(0.5)


@pytest.fixture
def upstream(live_server_daphne: LiveServer) -> SandboxControl:
    """The server's own sandbox, reset: no sessions, default config, webhooks to the server."""
    control = SandboxControl(live_server_daphne.sandbox_base)
    control.reset()
    return control


@pytest.fixture
def app_webhooks(upstream: SandboxControl, live_server_daphne: LiveServer) -> SandboxControl:
    """The sandbox, reset, its webhooks explicitly to the app: for tests of what they bring
    (transcripts, recordings, analyses, the live board)."""
    upstream.config(webhook_url=f"{live_server_daphne.url}/webhooks/kallglot")
    return upstream


@pytest.fixture
def console(
    browser: Browser, live_server_daphne: LiveServer, alice: object, upstream: SandboxControl
) -> Iterator[ConsolePage]:
    """Alice's console, signed in and idle."""
    with open_console(browser, live_server_daphne, alice) as page:
        yield page


@pytest.fixture
def board(browser: Browser, live_server_daphne: LiveServer, charlie: object) -> Iterator[BoardPage]:
    """Charlie's live board, connected."""
    with open_board(browser, live_server_daphne, charlie) as page:
        yield page


@pytest.fixture
def hostile() -> Iterator[HostileUpstream]:
    """A stand-in for Kallglot that serves whatever a test scripts as a recording."""
    with HostileUpstream() as upstream:
        yield upstream


@pytest.fixture
def hostile_app(tmp_path: Path, hostile: HostileUpstream) -> Iterator[LiveServer]:
    """The app as deployed (sandbox off), with `hostile` answering as `KALLGLOT_API_BASE`."""
    server = start_daphne(
        tmp_path,
        KALLGLOT_SANDBOX="false",
        KALLGLOT_API_BASE=hostile.base,
        KALLGLOT_API_KEY="sk_test_hostile_upstream",
        KALLGLOT_WEBHOOK_SECRET="whsec_test_hostile_upstream",
        # The browser's session is signed in this process: the server must share its key.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        # Production would be HTTPS only; this one answers plain HTTP on loopback.
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    yield server
    server.stop()
