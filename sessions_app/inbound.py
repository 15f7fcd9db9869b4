"""Inbound calls through the centre's own Twilio: answer the call, queue it, end it if missed.

Twilio posts its voice webhook when a customer dials a number of an inbound external-connection
route. The app creates the Kallglot session on that connection (`direction: inbound`, the
queue's languages, caller, called number and CallSid in metadata) and answers TwiML that
connects the call to the session's stream, the stream token as `<Parameter name="token">`; the
call then waits in the route's queue (queues.py) with the customer on the line. A CallSid seen
before gets the same session again. When Kallglot cannot take the call, the caller is told so in
their language and Twilio hangs up; nothing stays open (a create whose answer was lost is
replayed a little later, and the session it made is ended). A PBX's call (pbx.py) is queued by
the same `enqueue`.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from twilio.twiml.voice_response import Connect, VoiceResponse

from sessions_app import agents, phone, queues, services, timers
from sessions_app.exceptions import CallError, Conflict, LimitReached
from sessions_app.kallglot import KallglotError, Stream, get_client
from sessions_app.kallglot import Session as UpstreamSession
from sessions_app.models import OPEN_WINDOW, CallSession, Queue, QueuedCall, Route

logger = logging.getLogger(__name__)

SWEEP_EVERY = 5  # s: at most one sweep per process this often, however many consoles beat
TERMINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# A create that failed so may still have made its session (the answer was lost, or the key is
# still in flight); it is replayed this many seconds later, and again, until it answers.
MAYBE_MADE = frozenset({"timeout", "network_error", "idempotency_conflict"})
ORPHAN_CHECKS = (2, 10, 30, 90, 270)

# Twilio <Say> voices by the console's language codes.
SAY_LANGUAGES = {
    "en": "en-US", "de": "de-DE", "es": "es-ES", "fr": "fr-FR", "it": "it-IT", "pt": "pt-PT",
    "nl": "nl-NL", "pl": "pl-PL", "sv": "sv-SE", "da": "da-DK", "fi": "fi-FI", "no": "nb-NO",
    "cs": "cs-CZ", "ro": "ro-RO", "tr": "tr-TR", "ru": "ru-RU", "uk": "uk-UA", "ar": "arb",
    "hi": "hi-IN", "zh": "cmn-CN", "ja": "ja-JP", "ko": "ko-KR",
}  # fmt: skip
# What a caller hears when the line cannot take the call; other languages hear English.
CANNOT_TAKE = {
    "en": "Sorry, this line cannot take your call right now. Please try again later.",
    "de": "Leider können wir Ihren Anruf gerade nicht annehmen. Bitte versuchen Sie es später.",
    "es": "Lo sentimos, ahora no podemos atender su llamada. Inténtelo más tarde.",
    "fr": "Désolés, nous ne pouvons pas prendre votre appel pour le moment. Rappelez plus tard.",
    "it": "Siamo spiacenti, al momento non possiamo rispondere. Riprovi più tardi.",
    "pt": "Lamentamos, neste momento não podemos atender a sua chamada. Tente mais tarde.",
    "nl": "Helaas kunnen we uw oproep nu niet aannemen. Probeer het later opnieuw.",
    "pl": "Przepraszamy, nie możemy teraz odebrać połączenia. Prosimy spróbować później.",
    "tr": "Üzgünüz, şu anda çağrınızı alamıyoruz. Lütfen daha sonra tekrar deneyin.",  # noqa: RUF001
}
NOT_IN_SERVICE = "Sorry, this number is not in service."


# --- TwiML ---------------------------------------------------------------------------------


def say(response: VoiceResponse, text: str, language: str) -> None:
    response.say(text, language=SAY_LANGUAGES.get(language or "en", "en-US"))


def connect_twiml(route: Route, queue: Queue, stream: Stream) -> str:
    """A greeting (if the queue has one), then the call joined to the session's stream."""
    response = VoiceResponse()
    if queue.greeting:
        say(response, queue.greeting, route.customer_language)
    connect = Connect()
    connect.stream(url=stream.url).parameter(name="token", value=stream.token)
    response.append(connect)
    return str(response)


def refusal_twiml(language: str, text: str = "") -> str:
    """`text` (or that the line cannot take the call, in the caller's language if we have the
    words, else in English, said by a voice of that language), then Twilio hangs up."""
    if not text:
        language = language if language in CANNOT_TAKE else "en"
        text = CANNOT_TAKE[language]
    response = VoiceResponse()
    say(response, text, language)
    response.hangup()
    return str(response)


# --- answering a call ----------------------------------------------------------------------


def answer(route: Route, form: dict[str, str]) -> str:
    """The TwiML for Twilio's voice webhook of a call to `route`'s number."""
    queue, _ = Queue.objects.get_or_create(route=route)
    call_sid = form["CallSid"]
    caller, called = number(form.get("From", "")), number(form.get("To", ""))
    metadata = {"caller": caller, "called": called, "twilio_call_sid": call_sid}
    try:
        call, stream = enqueue(
            route,
            QueuedCall(queue=queue, call_sid=call_sid, caller=caller, called=called),
            idempotency_key=f"twilio:{call_sid}",
            metadata={key: value for key, value in metadata.items() if value},
            end_lost=True,  # the caller hears the refusal and hangs up: nobody asks again
        )
        stream = stream or services.session_stream(session=call.session)
    except CallError as exc:
        logger.warning("inbound call on %s refused: %s", route.label, exc.code)
        return refusal_twiml(route.customer_language)
    return connect_twiml(route, queue, stream)


def number(text: str) -> str:
    """A number Twilio sent, E.164 if it is one ("anonymous" and the like become "")."""
    try:
        return phone.to_e164(text)
    except ValidationError:
        return ""


def enqueue(
    route: Route,
    call: QueuedCall,
    *,
    idempotency_key: str,
    metadata: dict[str, str],
    end_lost: bool = False,
) -> tuple[QueuedCall, Stream | None]:
    """Put `call` (Twilio's or a PBX's, not saved yet) in its queue with a session made on
    `route`: the call and the create's stream; or the call an earlier request with the same
    `call_sid` made (no stream: that one's is used up). A call for one agent is refused while
    that agent could not take it. `end_lost`: a create whose answer was lost is replayed later
    and the session it made is ended (else it waits for a retry with the same key)."""
    earlier = QueuedCall.objects.filter(call_sid=call.call_sid).select_related("session").first()
    if earlier is not None:
        return made_before(earlier), None
    agent = call.for_agent_id
    if agent is not None and not agents.reachable().filter(user=agent).exists():
        message = "The agent is not available (away, on a call or not at the console)."
        raise Conflict("agent_unavailable", message, param="agent")
    try:
        reserve(route, call, metadata)
    except IntegrityError:  # the same call, at the same moment
        earlier = QueuedCall.objects.select_related("session").get(call_sid=call.call_sid)
        return made_before(earlier), None
    try:
        upstream = create_upstream(call, route, idempotency_key, end_lost=end_lost)
    except CallError:
        call.session.delete()  # with its queued call: nothing is left open
        raise
    with transaction.atomic():
        services.store_started(call.session, upstream)
        queues.arrived(call)
        seconds = call.queue.timeout_seconds
        transaction.on_commit(lambda: timers.later(seconds + 0.05, give_up, call.pk))
    return call, upstream.stream


def reserve(route: Route, call: QueuedCall, metadata: dict[str, str]) -> None:
    """Save the call with its session, which has no agent and no Kallglot id yet."""
    with transaction.atomic():
        call.session = CallSession.objects.create(
            agent=None,
            route=route,
            mode=CallSession.Mode.BIDIRECTIONAL,
            source_language=route.agent_language,
            target_language=route.customer_language,
            metadata=metadata,
            customer_number=call.caller,
        )
        call.save()


def made_before(call: QueuedCall) -> QueuedCall:
    """A repeated request's call, once its first request has its session from Kallglot."""
    deadline = time.monotonic() + settings.KALLGLOT_DEADLINE
    while call.session.kallglot_id is None:
        if time.monotonic() > deadline:
            raise LimitReached("create_in_progress", "The call is still being answered.")
        time.sleep(services.IN_FLIGHT_POLL)
        call = QueuedCall.objects.select_related("session").filter(pk=call.pk).first()
        if call is None:
            raise LimitReached("create_failed", "The call could not be answered.")
    return call


def create_upstream(
    call: QueuedCall, route: Route, idempotency_key: str, *, end_lost: bool
) -> UpstreamSession:
    body = create_body(call.session, route, idempotency_key)
    try:
        return get_client().create_session(**body)
    except KallglotError as exc:
        if end_lost and exc.code in MAYBE_MADE:  # Kallglot may make it after all: look later
            timers.later(ORPHAN_CHECKS[0], end_unclaimed, body, call.call_sid, 1)
        if exc.param == "routing":
            raise services.route_error(route, exc) from exc
        raise services.agent_error(exc) from exc


def create_body(session: CallSession, route: Route, idempotency_key: str) -> dict:
    """The create's arguments; the same again replays it (the same key)."""
    return {
        "mode": session.mode,
        "source_language": session.source_language or None,
        "target_language": session.target_language or None,
        "metadata": session.metadata or None,
        "recording": True,
        "routing": route.routing(),
        "idempotency_key": idempotency_key,
    }


def end_unclaimed(body: dict, call_sid: str, check: int) -> None:
    """A create whose answer was lost, replayed: the session it made (if it made one) is ended
    unless a repeated request for the call holds it now. Still in flight: look again later."""
    try:
        upstream = get_client().create_session(**body)
    except KallglotError as exc:
        if exc.code in MAYBE_MADE and check < len(ORPHAN_CHECKS):
            timers.later(ORPHAN_CHECKS[check], end_unclaimed, body, call_sid, check + 1)
        return
    if QueuedCall.objects.filter(call_sid=call_sid).exists():
        return
    logger.warning("ending session %s: its create's answer was lost", upstream.id)
    try:
        get_client().end_session(upstream.id, idempotency_key=f"end:{upstream.id}")
    except KallglotError as exc:
        logger.warning("could not end session %s: %s", upstream.id, exc.code)


# --- after the call came in ----------------------------------------------------------------


def accept(user_id: int, public_id: object) -> services.Started:
    """The agent takes the call (if nobody has): it is theirs, with fresh stream credentials."""
    session = queues.claim(user_id, public_id)
    return services.Started(session, services.session_stream(session=session))


def give_up(call_pk: int) -> None:
    """The queue's timeout passed and nobody took the call: it is missed and ends upstream."""
    with transaction.atomic():
        call = QueuedCall.objects.select_for_update().filter(pk=call_pk).first()
        if call is None or not call.is_waiting or not queues.past_timeout(call, timezone.now()):
            return
        queues.missed(call, "queue_timeout")
    end_missed(call.session_id, "queue_timeout")


def caller_left(session: CallSession) -> bool:
    """The caller hung up: a call still waiting is missed and ends upstream at once (True)."""
    call = QueuedCall.objects.filter(session=session, outcome=QueuedCall.Outcome.WAITING).first()
    if call is None or not queues.missed(call, "caller_hung_up"):
        return False
    transaction.on_commit(lambda: timers.later(0, end_missed, session.pk, "caller_hung_up"))
    return True


def end_missed(session_pk: int, reason: str) -> None:
    session = CallSession.objects.filter(pk=session_pk).first()
    if session is None or session.is_ended:
        return
    try:
        services.session_end(session=session, reason=reason)
    except CallError as exc:  # Kallglot refused; the sweep tries again
        logger.warning("could not end missed call %s: %s", session.kallglot_id, exc.code)


def carrier_status(form: dict[str, str]) -> bool:
    """Apply a Twilio status callback; False when the CallSid is not one of ours."""
    with transaction.atomic():
        call = queues.held_call(call_sid=form.get("CallSid", ""))
        if call is None:
            return False
        call.carrier_status = form.get("CallStatus", "")[:16]
        call.save(update_fields=["carrier_status"])
        if call.carrier_status in TERMINAL:
            caller_left(call.session)
    return True


def sweep() -> None:
    """Do what timers of a process that went away left undone (at most every SWEEP_EVERY s)."""
    if not cache.add("inbound:sweep", True, SWEEP_EVERY):
        return
    late, rung_out = queues.due(timezone.now())
    for call_pk in late:
        give_up(call_pk)
    for call_pk in rung_out:
        queues.ring_over(call_pk)
    queues.sweep_wrap_ups()
    missed = QueuedCall.objects.filter(outcome=QueuedCall.Outcome.MISSED)
    open_missed = missed.exclude(session__status=CallSession.Status.ENDED).filter(
        resolved_at__gte=timezone.now() - OPEN_WINDOW
    )
    for session_pk in open_missed.values_list("session_id", flat=True):
        end_missed(session_pk, "missed")
    queues.dispatch()
