"""CRM iframe support: single sign-on by a signed, expiring, single-use link.

The CRM's backend mints `/embed/start?…&sig=…` with the shared EMBED_SIGNING_SECRET
(sessions_app.embed_link.mint); opening it inside the iframe signs the agent in there and
opens the console with the CRM's context.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sessions_app import embed_link, signin
from sessions_app.access import is_supervisor
from sessions_app.models import EmbedNonce

logger = logging.getLogger(__name__)


STAFF_REFUSED = (
    "Signed links sign in agents only. Supervisors and administrators sign in on the login page."
)


class Refused(Exception):
    def __init__(
        self, status: int, message: str, *, sign_in: bool = False, failed: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.sign_in = sign_in  # point to the login page rather than to the CRM
        # The link itself failed (not the account it names): a failed sign-in of the address.
        self.failed = failed


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    if not settings.EMBED_SIGNING_SECRET:
        raise Http404("Embedding is not configured.")
    if not signin.is_allowed(request, request.GET.get("agent") or None):
        return signin.lockout_response(request, None, {"username": request.GET.get("agent")})
    try:
        params = checked_link(request)
        user = agent_for(params)
        use_nonce(params)
    except Refused as exc:
        logger.warning("embed link refused: %s", exc.message)
        if exc.failed:
            signin.count_failure(request)
        context = {"message": exc.message, "sign_in": exc.sign_in}
        return render(request, "sessions_app/embed_refused.html", context, status=exc.status)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    context = {key: params[key] for key in embed_link.CONTEXT if params.get(key)}
    return HttpResponseRedirect("/?" + urlencode({"embed": "1"} | context))


def checked_link(request: HttpRequest) -> dict:
    try:
        return embed_link.verify(request.GET.dict(), settings.EMBED_SIGNING_SECRET)
    except embed_link.LinkError as exc:
        status = 400 if exc.code == "malformed" else 403
        raise Refused(status, str(exc), failed=True) from exc


def agent_for(params: dict) -> AbstractBaseUser:
    users = get_user_model().objects
    user = users.filter(username=params["agent"]).first()
    if user is None and settings.EMBED_CREATE_AGENTS:
        user = users.create_user(params["agent"], first_name=params.get("name", "")[:150])
    if user is None or not user.is_active:
        raise Refused(403, "This agent has no console account. Ask a supervisor.")
    if not may_use_links(user):
        raise Refused(403, STAFF_REFUSED, sign_in=True)
    return user


def may_use_links(user: AbstractBaseUser) -> bool:
    """Links sign in agents; an account that can do more signs in with its password, unless
    EMBED_ALLOWED_STAFF names it (a link is only as safe as the CRM that mints it)."""
    if user.get_username() in settings.EMBED_ALLOWED_STAFF:
        return True
    return not (user.is_staff or user.is_superuser or is_supervisor(user))


def use_nonce(params: dict) -> None:
    """Each link signs in once: a replay is refused."""
    expires = datetime.fromtimestamp(int(params["exp"]), tz=UTC)
    EmbedNonce.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    try:
        with transaction.atomic():
            EmbedNonce.objects.create(nonce=params["nonce"], expires_at=expires)
    except IntegrityError:
        message = "This sign-in link was already used. Open the console again."
        raise Refused(403, message, failed=True) from None
