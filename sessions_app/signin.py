"""Sign-in throttling, on top of django-axes: what counts, and what a locked-out client is told.

Axes counts failed sign-ins in the database, per account and per address, and refuses a
sign-in while either is locked (settings: SIGNIN_FAILURE_LIMIT, SIGNIN_LOCKOUT_MINUTES). This
module turns a refusal into a page with the time the lock lifts, and lets the other way in
(signed embed links) count and honour the same locks.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessBase
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

STATUS = 429


class AttemptsHandler(AxesDatabaseHandler):
    """Axes' database handler (AXES_HANDLER), with a narrower reset on success."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A success forgets the account's failures from its address, not every failure from
        that address: else anyone with an account of their own could sign in between guesses
        at someone else's and never be locked out."""
        username = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        )
        return attempts.delete()[0]


def lockout_parameters(
    request_or_attempt: HttpRequest | AccessBase, credentials: dict | None = None
) -> list[str]:
    """What a failure counts against (AXES_LOCKOUT_PARAMETERS): its account and its address,
    each on its own; one that names no account (a refused embed link) only its address."""
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    return ["username", "ip_address"] if username else ["ip_address"]


def is_allowed(request: HttpRequest, username: str | None) -> bool:
    """Whether a sign-in as `username` (or as nobody in particular) may be tried from here."""
    return AxesProxyHandler.is_allowed(request, {"username": username})


def count_failure(request: HttpRequest) -> None:
    """A failed sign-in of this address that names no account (e.g. a refused embed link)."""
    user_login_failed.send(sender=__name__, credentials={"username": None}, request=request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page saying when to try again (axes' AXES_LOCKOUT_CALLABLE): the login page, or for
    a signed embed link the page that explains a refused link."""
    until = locked_until(request, credentials)
    if request.resolver_match and request.resolver_match.url_name == "embed-start":
        context = {"message": lockout_message(until)}
        response = render(request, "sessions_app/embed_refused.html", context, status=STATUS)
    else:
        response = login_page(request, credentials, lockout_message(until))
    response["Retry-After"] = str(seconds_until(until))
    return response


def login_page(request: HttpRequest, credentials: dict | None, message: str) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout": message,
    }
    return render(request, "registration/login.html", context, status=STATUS)


def lockout_message(until: datetime) -> str:
    local = timezone.localtime(until)
    minutes = math.ceil(seconds_until(until) / 60)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed sign-ins. Try again after {local:%H:%M} {local.tzname()} "
        f"(in {minutes} {unit})."
    )


def seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def locked_until(request: HttpRequest, credentials: dict | None) -> datetime:
    """When the lock lifts: the last failure that counts against the account or the address
    (whichever is locked, the later) leaves the window."""
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    ends = []
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        counted = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (counted["failures"] or 0) >= limit:
            ends.append(counted["last"] + cool_off)
    return max(ends, default=timezone.now() + cool_off)
