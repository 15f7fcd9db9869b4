"""The sandbox as telephony carrier: the caller's phone leg of a routed session.

A Twilio or Telnyx leg rings for `ring_ms`, then connects by itself; a SIP leg connects only
when the PBX bridges it, which `POST _control/sessions/<id>/customer` stands in for. While the
leg is connected the scripted customer is the caller (conversation.py asks `on_line`); after
its last scripted line and `hangup_pause_ms` it hangs up, unless `caller_hangup` is off. Every
change of the leg is a `session.provider.connected` / `.disconnected` webhook (§4.3). The
carrier never ends the session: the product decides what a hung-up caller means.

Two kinds of leg on a Twilio connection do not ring by themselves: an outbound session's (the app
dials the customer through the Twilio stand-in's Calls API, twilio_outbound.py), and the one of
a session the app creates while it answers an inbound call of the stand-in (twilio_calls.py).
A stand-in call's TwiML brings such a leg, or nothing does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from kallglot_sandbox import webhooks
from kallglot_sandbox.objects import leg_event_object
from kallglot_sandbox.state import Session, store

RINGING, CONNECTED, HUNG_UP = "ringing", "connected", "hung_up"
SELF_CONNECTING = frozenset({"twilio", "telnyx"})  # a SIP leg waits for the PBX's bridge
CALLER_HANGUP, SESSION_ENDED = "caller_hangup", "session_ended"
PROVIDER_HANGUP = "provider_hangup"  # the app hung up through the Twilio stand-in's Calls API


class LegRefused(Exception):
    """A leg action that makes no sense in the leg's present state (answered 409)."""


class Leg:
    """One session's caller leg; `status` is None until it rings or is bridged."""

    def __init__(self, session: Session, on_connect: Callable[[Session], None]) -> None:
        self.session = session
        self.on_connect = on_connect  # audio has reached the session: lifecycle.activate
        self.status: str | None = None
        self.reason: str | None = None  # why it last hung up
        self.timer: asyncio.Task[None] | None = None
        self.on_hang_up: Callable[[str], None] | None = None  # the Twilio call it came by

    @property
    def on_line(self) -> bool:
        return self.status == CONNECTED

    def ring(self) -> None:
        """A managed number or an external connection: the call comes in by itself."""
        if self.session.route.provider in SELF_CONNECTING and not _waits_for_twilio(self.session):
            self.status = RINGING
            self._after(store.config.ring_ms, self.connect)

    def connect(self) -> None:
        """The leg reaches the session: a connected phone leg is audio, so it becomes active."""
        if self.session.status == "ended":
            raise LegRefused("The session has ended.")
        if self.status == CONNECTED:
            raise LegRefused("The caller is already connected.")
        self._cancel_timer()
        self.status, self.reason = CONNECTED, None
        self.on_connect(self.session)
        webhooks.emit("session.provider.connected", leg_event_object(self.session), self.session.id)

    def hang_up(self, reason: str = CALLER_HANGUP) -> None:
        """The leg goes away, ringing or connected; the session stays as it is."""
        if self.status not in (RINGING, CONNECTED):
            raise LegRefused("No caller is on the line.")
        self._cancel_timer()
        self.status, self.reason = HUNG_UP, reason
        data = leg_event_object(self.session, reason)
        webhooks.emit("session.provider.disconnected", data, self.session.id)
        hook, self.on_hang_up = self.on_hang_up, None
        if hook is not None:
            hook(reason)

    def script_done(self) -> None:
        """The caller said its last line: it hangs up after a pause (when configured to)."""
        if self.on_line and store.config.caller_hangup:
            self._after(store.config.hangup_pause_ms, self._scripted_hangup)

    def session_ending(self) -> None:
        """Called before `session.ended`: a live leg is disconnected first."""
        if self.status in (RINGING, CONNECTED):
            self.hang_up(SESSION_ENDED)
        self._cancel_timer()

    def _scripted_hangup(self) -> None:
        if self.on_line:
            self.hang_up(CALLER_HANGUP)

    def _after(self, delay_ms: int, action: Callable[[], Any]) -> None:
        """One pending step per leg; a reset cancels it with the rest of the sandbox's tasks."""
        self._cancel_timer()
        self.timer = store.spawn(self._wait(delay_ms, action), name=f"leg {self.session.id}")

    async def _wait(self, delay_ms: int, action: Callable[[], Any]) -> None:
        await asyncio.sleep(delay_ms / 1000)
        self.timer = None
        action()

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _waits_for_twilio(session: Session) -> bool:
    """A leg on a Twilio connection that a stand-in call's TwiML brings: an outbound session's
    (the app dials through the Calls API), or one an inbound call claims."""
    route = session.route
    if route.provider != "twilio" or route.connection_id is None:
        return False
    return route.direction == "outbound" or _claimed_by_twilio(session)


def _claimed_by_twilio(session: Session) -> bool:
    """Flow 1: the app answers the stand-in's voice webhook by creating a session on its Twilio
    connection; the oldest call still waiting for its TwiML claims it (the TwiML decides)."""
    for call in store.twilio_calls.values():
        if call.answering and call.claimed_session_id is None:
            call.claimed_session_id = session.id
            return True
    return False
