"""The app's own middleware.

`AgentTimezone` shows times in the agent's own time zone, which their browser names in the
`tz` cookie (static/js/timezone.js): Django's "Selecting the current time zone" pattern.

`PartitionedCookies` writes the Partitioned (CHIPS) attribute on the session and CSRF cookies,
so the console works in a CRM's iframe: browsers keep third-party cookies out of cross-site
iframes unless they are Partitioned, and Python 3.11's cookie module cannot write it.
"""

from __future__ import annotations

from http.cookies import Morsel
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin

TIMEZONE_COOKIE = "tz"


class PartitionedMorsel(Morsel):
    def OutputString(self, attrs: list[str] | None = None) -> str:  # the stdlib name
        return super().OutputString(attrs) + "; Partitioned"


def partition(response: HttpResponse, name: str) -> None:
    old = response.cookies.get(name)
    if old is None or isinstance(old, PartitionedMorsel):
        return
    new = PartitionedMorsel()
    new.set(old.key, old.value, old.coded_value)
    new.update(old)
    dict.__setitem__(response.cookies, name, new)


class PartitionedCookies(MiddlewareMixin):
    """Sync and async alike (MiddlewareMixin), so requests do not hop threads to pass it."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if settings.EMBED_ALLOWED_ORIGINS:
            partition(response, settings.SESSION_COOKIE_NAME)
            partition(response, settings.CSRF_COOKIE_NAME)
        return response


def browser_timezone(request: HttpRequest) -> ZoneInfo | None:
    """The zone the browser named, if it is one the server knows (None: the default, UTC)."""
    name = request.COOKIES.get(TIMEZONE_COOKIE, "")
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # unknown, or not a zone name at all
        return None


class AgentTimezone(MiddlewareMixin):
    """Pages render times in the agent's zone; an unknown or missing zone means UTC."""

    def process_request(self, request: HttpRequest) -> None:
        zone = browser_timezone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
