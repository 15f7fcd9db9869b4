"""The Twilio stand-in's calls: ring the app (inbound), read its TwiML back, obey it.

An inbound call is `ringing` while its voice webhook waits for the app's TwiML; an outbound
call (twilio_outbound.py) asks its `Url` for TwiML once the customer has answered. Either way
`<Say>`s are noted, `<Pause>`s waited out, `<Play>`s passed over. `<Connect><Stream>` joins the
call to a session when the URL is this sandbox's stream URL of that session and the `token`
parameter passes the stream's own token check (lifecycle.open_stream): the session's caller leg
connects (carrier.py: `session.provider.connected`, and the scripted customer is on the phone)
and the call is `in-progress`. It is `completed` when the customer hangs up, the session ends,
the TwiML hangs up or runs out, or the app hangs up through the Calls API; `failed` when the app
gives no TwiML, TwiML the stand-in cannot obey, or a stream it cannot join (as Twilio fails a
call). A change is a signed status callback when the call asks for it (inbound: every change
after `ringing`; outbound: its `StatusCallbackEvent`s), sent in order and never retried.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import secrets
import time
from urllib.parse import urlsplit

from kallglot_sandbox import lifecycle, twilio_http
from kallglot_sandbox.carrier import CALLER_HANGUP, PROVIDER_HANGUP, LegRefused
from kallglot_sandbox.ids import iso_ms
from kallglot_sandbox.state import Session, TwilioCall, store
from kallglot_sandbox.twiml import Hangup, Pause, Say, Stream, TwimlError, Verb, parse

logger = logging.getLogger(__name__)

QUEUED, INITIATED, RINGING, IN_PROGRESS = "queued", "initiated", "ringing", "in-progress"
COMPLETED, FAILED, CANCELED = "completed", "failed", "canceled"
BUSY, NO_ANSWER = "busy", "no-answer"
ENDED = frozenset({COMPLETED, FAILED, BUSY, NO_ANSWER, CANCELED})
INBOUND, OUTBOUND = "inbound", "outbound-api"
EVENTS = {INITIATED: "initiated", RINGING: "ringing", IN_PROGRESS: "answered"}  # ends: "completed"


class CallFailed(Exception):
    """Why Twilio would fail the call."""


class CallOver(Exception):
    """The call has already ended (answered 409)."""


def place(
    *, to_number: str, from_number: str, hangup_after_s: float | None, stream_root: str
) -> TwilioCall:
    """A caller dials `to_number` (inbound): the call rings the app in the background.

    `stream_root` is where this sandbox's stream URLs begin, as the app was told them.
    """
    now = time.time()
    call = TwilioCall(
        sid=new_sid(),
        account_sid=twilio_http.account_sid(),
        from_number=from_number,
        to_number=to_number,
        created_at=now,
        voice_url=twilio_http.voice_url(),
        status_url=twilio_http.status_url(),
        auth_token=twilio_http.auth_token(),
        hangup_after_s=hangup_after_s,
        updated_at=now,
    )
    call.history.append({"status": RINGING, "at": iso_ms(now), "reason": None})
    store.twilio_calls[call.sid] = call
    call.task = store.spawn(run_twiml(call, stream_root), name=f"twilio {call.sid}")
    return call


def new_sid() -> str:
    """A `CallSid`: `CA` and 32 hex digits."""
    return f"CA{secrets.token_hex(16)}"


def hang_up(call: TwilioCall) -> None:
    """The customer puts the phone down: an inbound caller, answered or not; a dialled customer
    who has answered, or turns the ringing call down (`busy`, as Twilio reports a rejection)."""
    if call.status in ENDED:
        raise CallOver("The call has already ended.")
    session = store.sessions.get(call.session_id or "")
    if call.status == IN_PROGRESS and session is not None:
        session.leg.hang_up(CALLER_HANGUP)  # the leg tells the call (_leg_gone)
    elif call.direction == INBOUND or call.status == IN_PROGRESS:
        end(call, COMPLETED, CALLER_HANGUP)
    else:
        end(call, BUSY, "declined")


def update_status(call: TwilioCall, status: str) -> None:
    """The Calls API's `Status`: `canceled` ends a call not answered yet and leaves an answered
    one alone; `completed` ends either (Twilio's rules)."""
    if call.status in ENDED:
        raise CallOver("The call has already ended.")
    session = store.sessions.get(call.session_id or "")
    if call.status != IN_PROGRESS:
        end(call, CANCELED, "api_cancel")
    elif status == COMPLETED and session is not None:
        session.leg.hang_up(PROVIDER_HANGUP)  # the leg tells the call (_leg_gone)
    elif status == COMPLETED:
        end(call, COMPLETED, PROVIDER_HANGUP)


async def run_twiml(call: TwilioCall, stream_root: str) -> None:
    """Ask for the call's TwiML and obey it; what cannot be done fails the call."""
    try:
        verbs = await _ask_for_twiml(call)
        await _obey(call, verbs, stream_root)
    except CallFailed as exc:
        end(call, FAILED, str(exc))


async def _ask_for_twiml(call: TwilioCall) -> list[Verb]:
    # A session created on a Twilio connection now is this inbound call's (carrier.py).
    call.answering = call.direction == INBOUND
    try:
        call.twiml = await twilio_http.ask_for_twiml(call)
    except twilio_http.Unanswered as exc:
        raise CallFailed(str(exc)) from None
    finally:
        call.answering = False
    try:
        return parse(call.twiml)
    except TwimlError as exc:
        raise CallFailed(f"TwiML: {exc}") from None


async def _obey(call: TwilioCall, verbs: list[Verb], stream_root: str) -> None:
    for verb in verbs:
        if isinstance(verb, Say):
            call.said.append(verb.text)
        elif isinstance(verb, Pause):
            await asyncio.sleep(verb.seconds)
        elif isinstance(verb, Hangup):
            end(call, COMPLETED, "twiml_hangup")
            return
        elif isinstance(verb, Stream):
            _join(call, _stream_session(verb, stream_root))
            await _hang_up_later(call)
            return
    end(call, COMPLETED, "twiml_ended")  # Twilio hangs up when the TwiML runs out


def _stream_session(stream: Stream, stream_root: str) -> Session:
    """The session a `<Stream>` names, if its URL and token would open that session's stream."""
    session_id = _session_id(stream.url, stream_root)
    token = stream.parameters.get("token")
    if not token:
        raise CallFailed('<Stream> has no <Parameter name="token">')
    try:
        session = lifecycle.open_stream(session_id, token)
    except lifecycle.StreamRefused as exc:
        raise CallFailed(f"the stream refused the call: {exc.code} ({exc.message})") from None
    if session.leg is None or session.route.provider != "twilio" or not session.route.connection_id:
        raise CallFailed(f"the session {session.id} is not routed to a Twilio connection")
    return session


def _session_id(url: str, stream_root: str) -> str:
    parts, root = urlsplit(url), urlsplit(stream_root)
    match = re.fullmatch(re.escape(root.path) + r"sessions/([^/]+)/connect", parts.path)
    same_place = (parts.scheme, parts.netloc.lower()) == (root.scheme, root.netloc.lower())
    if not same_place or match is None:
        raise CallFailed(
            f"<Stream url> is not this sandbox's stream URL of a session "
            f"({stream_root}sessions/<id>/connect)"
        )
    if parts.query or parts.fragment:
        raise CallFailed(
            '<Stream url> takes no query string: the token goes in <Parameter name="token">'
        )
    return match.group(1)


def _join(call: TwilioCall, session: Session) -> None:
    try:
        session.leg.connect()
    except LegRefused as exc:
        raise CallFailed(f"the session {session.id} cannot take the call: {exc}") from None
    session.leg.on_hang_up = functools.partial(_leg_gone, call)
    call.session_id = session.id
    if call.status != IN_PROGRESS:  # inbound: answered when its stream joins
        call.answered_at = time.time()
        change(call, IN_PROGRESS)


async def _hang_up_later(call: TwilioCall) -> None:
    """`caller_hangup_after_s`: the customer leaves by itself after that long on the line."""
    if call.hangup_after_s is None:
        return
    await asyncio.sleep(call.hangup_after_s)
    if call.status == IN_PROGRESS:
        hang_up(call)


def _leg_gone(call: TwilioCall, reason: str) -> None:
    """The joined leg hung up (the customer, its script, the session's end, the Calls API)."""
    end(call, COMPLETED, reason)


def end(call: TwilioCall, status: str, reason: str) -> None:
    """The call ends (once); its background work stops, unless that is what ends it."""
    if call.status in ENDED:
        return
    call.ended_at = time.time()
    if call.task is not None and call.task is not asyncio.current_task():
        call.task.cancel()
    if status == FAILED:
        call.error = reason
        logger.info("twilio call %s failed: %s", call.sid, reason)
    change(call, status, reason)


def duration_s(call: TwilioCall) -> int:
    """Whole seconds from answer to end (0 for a call never answered)."""
    if call.answered_at is None:
        return 0
    end_at = call.ended_at if call.ended_at is not None else time.time()
    return max(0, round(end_at - call.answered_at))


def change(call: TwilioCall, status: str, reason: str | None = None) -> None:
    """The call's new status, and its status callback if the call asked for that event."""
    now = time.time()
    call.status, call.updated_at = status, now
    call.history.append({"status": status, "at": iso_ms(now), "reason": reason})
    if call.status_url and (call.events is None or _event(status) in call.events):
        _send_callback(call, status, now)


def _event(status: str) -> str:
    return EVENTS.get(status, "completed")


def _send_callback(call: TwilioCall, status: str, now: float) -> None:
    params = twilio_http.call_params(call, status)
    params.update(
        Timestamp=twilio_http.rfc2822(now),
        SequenceNumber=str(call.next_sequence),
        CallbackSource="call-progress-events",
    )
    if status in ENDED:
        params["CallDuration"] = str(duration_s(call))
    call.next_sequence += 1
    previous = call.callback_tail
    call.callback_tail = done = asyncio.get_running_loop().create_future()
    store.spawn(_callback(call, params, previous, done), name=f"twilio status {call.sid}")


async def _callback(
    call: TwilioCall,
    params: dict[str, str],
    previous: asyncio.Future[None] | None,
    done: asyncio.Future[None],
) -> None:
    """One status callback, after the call's previous one (so they arrive in order)."""
    try:
        if previous is not None:
            await previous
        call.callbacks.append(await twilio_http.send_status(call, params))
    finally:
        if not done.done():
            done.set_result(None)
