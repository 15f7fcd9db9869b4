"""The URLs pages hand to their scripts, all from `reverse()`: scripts never spell a path."""

from __future__ import annotations

from uuid import UUID

from django.urls import reverse

PLACEHOLDER = UUID(int=0)


def url_template(name: str) -> str:
    """The URL named `name`, with `{id}` where a call's (or an offer's) id goes (scripts fill
    it in)."""
    return reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{id}")


def api_urls() -> dict[str, str]:
    """What `static/js/api.js` calls, by the names it uses."""
    return {
        "sessions": reverse("api-sessions"),
        "abandon": reverse("api-sessions-abandon"),
        "session": url_template("api-session"),
        "stream": url_template("api-session-stream"),
        "end": url_template("api-session-end"),
        "events": url_template("api-session-events"),
        "detail": url_template("session-detail"),
        "agent": reverse("api-agent"),
        "agent_state": reverse("api-agent-state"),
        "accept": url_template("api-offer-accept"),
        "decline": url_template("api-offer-decline"),
        "wrap_up": url_template("api-session-wrap-up"),
        "incoming_call": reverse("api-sandbox-incoming-call"),
    }
