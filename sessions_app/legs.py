"""The customer's phone leg: Kallglot's provider events applied, and the hang-up grace.

A customer who hangs up leaves a call that still bills until it ends. After
CUSTOMER_HANGUP_GRACE seconds without the leg coming back, the server ends the call itself,
whether or not any page is open: a timer in the worker that applied the hang-up (timers.py), and
`manage.py end_stale_sessions` (run it from cron) for calls whose worker went away first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sessions_app import inbound, phone, services, timers
from sessions_app.exceptions import CallError
from sessions_app.models import CallSession, CustomerLeg, WebhookEvent

logger = logging.getLogger(__name__)

CONNECTED = "session.provider.connected"
CARRIERS = {"twilio": "Twilio", "telnyx": "Telnyx", "sip": "SIP"}


def leg_apply(
    session: CallSession, kind: str, data: dict, at: datetime, event: WebhookEvent
) -> None:
    """Record a provider event; the leg's state follows the newest one (they may arrive late)."""
    session = CallSession.objects.select_for_update().get(pk=session.pk)
    connected = kind == CONNECTED
    newer = session.customer_changed_at is None or at >= session.customer_changed_at
    if newer and not session.is_ended:
        session.customer_status = CustomerLeg.CONNECTED if connected else CustomerLeg.HUNG_UP
        session.customer_changed_at = at
        session.provider = str(data.get("provider") or session.provider)[:16]
        session.phone_number = str(data.get("phone_number") or session.phone_number)[:20]
        fields = ["customer_status", "customer_changed_at", "provider", "phone_number"]
        session.save(update_fields=fields)
        if not connected and not inbound.caller_left(session):
            transaction.on_commit(lambda: end_after_grace(session.pk, at))
    services.record_event(
        session, kind, event_data(session, connected, data), at, webhook_event=event
    )


def event_data(session: CallSession, connected: bool, data: dict) -> dict:
    """What pages show of the event, its words included ("Customer connected (…, Twilio)")."""
    number = phone.display(session.phone_number) if session.phone_number else ""
    carrier = CARRIERS.get(session.provider, session.provider.title())
    where = ", ".join(part for part in (number, carrier) if part)
    summary = "Customer connected" if connected else "Customer hung up"
    return {
        "customer": CustomerLeg.CONNECTED if connected else CustomerLeg.HUNG_UP,
        "provider": session.provider,
        "phone_number": session.phone_number,
        "direction": data.get("direction"),
        "reason": data.get("reason"),
        "label": f"{summary} ({where})" if connected and where else summary,
    }


def grace() -> timedelta:
    return timedelta(seconds=settings.CUSTOMER_HANGUP_GRACE)


def end_after_grace(session_pk: int, left_at: datetime) -> None:
    """End the call once the grace has passed since the customer left, unless they are back."""
    wait = (left_at + grace() - timezone.now()).total_seconds()
    timers.later(wait + 0.05, end_if_gone, session_pk)


def end_if_gone(session_pk: int) -> None:
    try:
        session = calls_past_grace().filter(pk=session_pk).first()
        if session is not None:
            services.session_end(session=session, reason="customer_hung_up")
    except CallError as exc:  # Kallglot refused; the sweep tries again
        logger.warning("could not end call %s after hang-up: %s", session_pk, exc.code)


def calls_past_grace() -> QuerySet[CallSession]:
    """Open calls whose customer hung up longer than the grace ago and did not come back."""
    left_before = timezone.now() - grace()
    calls = CallSession.objects.known().exclude(status=CallSession.Status.ENDED)
    return calls.filter(customer_status=CustomerLeg.HUNG_UP, customer_changed_at__lte=left_before)
