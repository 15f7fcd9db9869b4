"""Twilio's webhooks to the app: the voice webhook of an inbound call, the TwiML of a dialled
call once the customer answers, and the calls' status callbacks.

Both are CSRF-exempt POSTs authenticated by `X-Twilio-Signature`, checked with the official
`twilio` package against the public URL Twilio was given (APP_BASE_URL and the path) and
TWILIO_AUTH_TOKEN: a request that does not verify is answered 403 and changes nothing.
Status callbacks are stored (as webhook deliveries) before they are applied, once each.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlencode
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator

from sessions_app import dialing, inbound, routes
from sessions_app.errors import error_response
from sessions_app.models import CallSession, WebhookEvent

logger = logging.getLogger(__name__)

CALL_SID = re.compile(r"CA[0-9a-f]{32}")
MAX_BODY_BYTES = 16 * 1024  # Twilio's forms are well under 2 KB


def twilio_view(view: object) -> object:
    """POST only, small, and signed by Twilio with the centre's auth token; else refused."""

    @csrf_exempt
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "POST":
            return error_response(405, "method_not_allowed", "Use POST here.")
        if len(request.body) > MAX_BODY_BYTES:
            return error_response(413, "body_too_large", "The request body is too large.")
        if not signed_by_twilio(request):
            logger.warning("twilio webhook refused: bad or missing signature")
            return error_response(403, "invalid_signature", "X-Twilio-Signature does not verify.")
        form = {key: request.POST.get(key, "") for key in request.POST}
        if not CALL_SID.fullmatch(form.get("CallSid", "")):
            return error_response(400, "invalid_request", "CallSid is missing.", "CallSid")
        return view(request, form, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def signed_by_twilio(request: HttpRequest) -> bool:
    token, signature = settings.TWILIO_AUTH_TOKEN, request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = f"{settings.APP_BASE_URL}{request.get_full_path()}"
    return RequestValidator(token).validate(url, request.POST, signature)


def twiml(document: str) -> HttpResponse:
    return HttpResponse(document, content_type="text/xml")


@twilio_view
def voice(request: HttpRequest, form: dict[str, str]) -> HttpResponse:
    """A customer dialled a number: join the call to a new session and queue it."""
    route = routes.inbound_route(form.get("To", ""))
    if route is None:
        logger.warning("inbound call to a number no active inbound route answers")
        return twiml(inbound.refusal_twiml("en", inbound.NOT_IN_SERVICE))
    return twiml(inbound.answer(route, form))


@twilio_view
def status(request: HttpRequest, form: dict[str, str]) -> HttpResponse:
    """Twilio tells how the call goes on (ringing, in-progress, completed, failed, …)."""
    return store_and_apply(form, lambda delivery: inbound.carrier_status(form))


def store_and_apply(form: dict[str, str], apply: Callable[[WebhookEvent], bool]) -> HttpResponse:
    """Store the callback, then apply it once; `apply` says whether it was one of ours."""
    delivery, fresh = store(form)
    if not fresh and delivery.is_done:
        return HttpResponse(status=204)
    outcome = WebhookEvent.Outcome.APPLIED if apply(delivery) else WebhookEvent.Outcome.IGNORED
    WebhookEvent.objects.filter(pk=delivery.pk).update(outcome=outcome, processed_at=timezone.now())
    return HttpResponse(status=204)


def store(form: dict[str, str]) -> tuple[WebhookEvent, bool]:
    """Keep the callback before applying it, with its call's session (its body holds the
    caller's number: erasing the call's personal data blanks it); a repeat is counted."""
    number = form.get("SequenceNumber") or form.get("CallStatus", "")
    event_id = f"twilio:{form['CallSid']}:{number}"[:128]
    session = CallSession.objects.filter(queued__call_sid=form["CallSid"]).first()
    with transaction.atomic():
        delivery, fresh = WebhookEvent.objects.get_or_create(
            event_id=event_id,
            defaults={
                "event_type": f"twilio.call.{form.get('CallStatus', '')}"[:64],
                "body": urlencode(form),
                "session": session,
                "kallglot_session_id": (session.kallglot_id or "") if session else "",
            },
        )
        if not fresh:
            delivery.deliveries += 1
            delivery.save(update_fields=["deliveries"])
    return delivery, fresh


@twilio_view
def outbound(request: HttpRequest, form: dict[str, str], session_id: UUID) -> HttpResponse:
    """The customer the agent dialled answered: join the call to the session's stream."""
    return twiml(dialing.answer_twiml(session_id, form))


@twilio_view
def outbound_status(request: HttpRequest, form: dict[str, str], session_id: UUID) -> HttpResponse:
    """How a dialled call goes on: dialling, ringing, answered, busy, no answer, failed, …"""
    return store_and_apply(
        form, lambda delivery: dialing.carrier_status(session_id, form, delivery)
    )
