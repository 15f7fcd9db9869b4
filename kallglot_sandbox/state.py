"""Everything the sandbox knows, in memory: it is a development peer, not a database.

All of it is touched only from the server's event loop (views, consumers and background tasks
all run there), so no locks are needed. `_control/reset` puts it all back to the start.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from kallglot_sandbox.config import Config

logger = logging.getLogger(__name__)


class StreamSocket(Protocol):
    """An open stream WebSocket (the consumer) as the rest of the sandbox sees it."""

    async def send_json(self, content: dict[str, Any], close: bool = False) -> None: ...

    async def close(self, code: int | None = None, reason: str | None = None) -> None: ...


@dataclass
class StreamToken:
    token: str
    session_id: str
    expires_at: float


@dataclass
class Turn:
    """One transcript turn; `line` is the script index, used by analysis."""

    sequence: int
    speaker: str
    language: str
    text: str
    translation: dict[str, str] | None
    timestamp: float
    line: int


@dataclass
class ReceivedAudio:
    """The agent audio a session received, for recordings and the debug endpoint."""

    ulaw: bytearray = field(default_factory=bytearray)
    voiced: bytearray = field(default_factory=bytearray)  # one 0/1 flag per 20 ms frame
    frames: int = 0
    invalid_frames: int = 0


@dataclass(frozen=True)
class Route:
    """How the customer's leg reaches a session (§5.3); no provider: browser only (D2)."""

    provider: str | None = None
    phone_number: str | None = None
    connection_id: str | None = None
    direction: str | None = None
    sip_from_uri: str | None = None


@dataclass
class Session:
    id: str
    mode: str
    source_language: str | None
    target_language: str | None
    recording_enabled: bool
    metadata: dict[str, str] | None
    created_at: float
    idempotency_key: str | None = None
    route: Route = field(default_factory=Route)
    status: str = "created"
    started_at: float | None = None
    ended_at: float | None = None
    end_reason: str | None = None
    last_activity: float = 0.0
    audio: ReceivedAudio = field(default_factory=ReceivedAudio)
    turns: list[Turn] = field(default_factory=list)
    next_sequence: int = 1
    sockets: set[StreamSocket] = field(default_factory=set)
    conversation: Any = None
    leg: Any = None  # the caller's phone leg (carrier.Leg); None for a browser-only session
    idle_timer: asyncio.TimerHandle | None = None

    def allocate_sequence(self) -> int:
        sequence = self.next_sequence
        self.next_sequence += 1
        return sequence

    async def broadcast(self, message: dict[str, Any]) -> None:
        """Send to every open stream of the session; a socket that fails is forgotten."""
        for socket in list(self.sockets):
            try:
                await socket.send_json(message)
            except Exception:  # noqa: BLE001 - a vanished client must not stop the others
                self.sockets.discard(socket)


@dataclass
class Recording:
    id: str
    session_id: str
    created_at: float
    status: str = "processing"
    duration: float = 0.0
    wav: bytes = b""


@dataclass
class Analysis:
    id: str
    session_id: str
    profile: str
    include: list[str]
    created_at: float
    status: str = "processing"
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    completed_at: float | None = None


@dataclass
class IdempotencyRecord:
    fingerprint: str
    created_at: float
    status: int | None = None  # None while the first request is still running
    body: bytes = b""


@dataclass
class Fault:
    status: int
    code: str
    message: str
    retry_after: float | None
    latency_ms: int
    body: str | None


@dataclass(frozen=True)
class OutboundPlan:
    """How the customer an outbound call dials behaves (twilio_outbound.py)."""

    answer: str  # "answer", "busy", "no-answer" or "failed"
    after_ms: int | None = None  # None: `ring_ms` (answer, busy) or at once (failed)
    caller_hangup_after_s: float | None = None


@dataclass
class TwilioCall:
    """A call of the Twilio stand-in: inbound to the app (twilio_calls.py), or outbound through
    its Calls API (twilio_outbound.py)."""

    sid: str
    account_sid: str
    from_number: str
    to_number: str
    created_at: float
    voice_url: str  # inbound: the number's voice URL; outbound: the API's `Url`
    status_url: str | None
    auth_token: str = field(repr=False)  # signs this call's requests; never shown
    hangup_after_s: float | None = None
    direction: str = "inbound"  # or "outbound-api"
    voice_method: str = "POST"
    status_method: str = "POST"
    events: frozenset[str] | None = None  # status callback events; None: every change
    timeout_s: int | None = None  # outbound: how long it rings before `no-answer`
    plan: OutboundPlan | None = None  # outbound: how the dialled customer behaves
    status: str = "ringing"
    history: list[dict[str, Any]] = field(default_factory=list)
    updated_at: float = 0.0
    answering: bool = False  # the voice webhook waits for the app's TwiML
    claimed_session_id: str | None = None  # created on a Twilio connection meanwhile
    twiml: str | None = None
    said: list[str] = field(default_factory=list)
    session_id: str | None = None  # the session whose stream the call joined
    error: str | None = None
    started_at: float | None = None  # outbound: dialled (`initiated`)
    answered_at: float | None = None
    ended_at: float | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    next_sequence: int = 0
    callback_tail: asyncio.Future[None] | None = None
    task: asyncio.Task[None] | None = None


@dataclass
class Store:
    config: Config = field(default_factory=Config)
    sessions: dict[str, Session] = field(default_factory=dict)
    tokens: dict[str, StreamToken] = field(default_factory=dict)
    recordings: dict[str, Recording] = field(default_factory=dict)
    analyses: dict[str, Analysis] = field(default_factory=dict)
    idempotency: dict[str, IdempotencyRecord] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    credits_used: int = 0
    rate_window_start: float = 0.0
    rate_count: int = 0
    webhook_log: list[dict[str, Any]] = field(default_factory=list)
    webhook_tails: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    twilio_calls: dict[str, TwilioCall] = field(default_factory=dict)
    outbound_plans: deque[OutboundPlan] = field(default_factory=deque)
    resets: int = 0  # how many times `clear` ran: requests still waiting then do nothing

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `coro` in the background; reset cancels it; failures are logged, not lost."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("sandbox task %s failed", task.get_name(), exc_info=task.exception())

    def clear(self) -> None:
        """Cancel background work and forget everything (the caller closes sockets first)."""
        for task in list(self.tasks):
            task.cancel()
        for session in self.sessions.values():
            if session.idle_timer is not None:
                session.idle_timer.cancel()
        resets = self.resets + 1
        fresh = Store()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))
        self.resets = resets


store = Store()
