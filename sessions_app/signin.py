"""Sign-in throttling, on top of django-axes: what a locked-out client is told.

Axes counts failed sign-ins in the database, per account and per address, and refuses a
sign-in while either is locked (settings: SIGNIN_FAILURE_LIMIT, SIGNIN_LOCKOUT_MINUTES). This
module turns a refusal into the login page with the time the lock lifts.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
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


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The login page saying when to try again (axes' AXES_LOCKOUT_CALLABLE)."""
    response = login_page(request, credentials, lockout_message(request, credentials))
    response["Retry-After"] = str(seconds_left(request, credentials))
    return response


def login_page(request: HttpRequest, credentials: dict | None, message: str) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "lockout": message,
    }
    return render(request, "registration/login.html", context, status=STATUS)


def lockout_message(request: HttpRequest, credentials: dict | None) -> str:
    until = timezone.localtime(locked_until(request, credentials))
    minutes = math.ceil(seconds_left(request, credentials) / 60)
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many failed sign-ins. Try again after {until:%H:%M} {until.tzname()} "
        f"(in {minutes} {unit})."
    )


def seconds_left(request: HttpRequest, credentials: dict | None) -> int:
    left = (locked_until(request, credentials) - timezone.now()).total_seconds()
    return max(1, math.ceil(left))


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
