"""Pages for agents: sign-in and the console (everything else is JSON in api.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sessions_app import agent_api, agents, api, languages, links, phone, routes, services
from sessions_app.access import is_supervisor
from sessions_app.models import CallSession, SessionEvent
from sessions_app.validation import CRM_FIELDS


class SignIn(LoginView):
    """Django's sign-in; without a `next`, supervisors land on their board, agents on the
    console (LOGIN_REDIRECT_URL)."""

    def get_default_redirect_url(self) -> str:
        if is_supervisor(self.request.user):
            return reverse("board")
        return super().get_default_redirect_url()


def prefill(request: HttpRequest) -> dict:
    """The console form's starting values from the query string (CRM context included)."""
    query = request.GET
    mode = query.get("mode")
    language_codes = {item["code"] for item in languages.offered()}
    source, target = query.get("source_language"), query.get("target_language")
    return {
        "mode": mode if mode in CallSession.Mode.values else None,
        "source_language": source if source in language_codes else None,
        "target_language": target if target in language_codes else None,
        "metadata": {key: query[key][:500] for key in CRM_FIELDS if query.get(key)},
        "route": query.get("route", "")[:80],
        # A number to dial on an outbound line (the console reads it as the server will).
        "dial": query.get("dial", "")[:40],
    }


def simulated_numbers() -> list[dict]:
    """The centre's numbers a simulated caller may dial, as people read them too."""
    return [
        item | {"display": phone.display(item["number"])} for item in agent_api.inbound_numbers()
    ]


@require_GET
@login_required
def console(request: HttpRequest) -> HttpResponse:
    config = {
        "urls": links.api_urls(),
        "modes": [{"value": value, "label": label} for value, label in CallSession.Mode.choices],
        "languages": languages.offered(),
        "prefill": prefill(request),
        "user": {"username": request.user.get_username()},
        "event_labels": SessionEvent.LABELS,
        "routes": [routes.route_json(route) for route in routes.offered_routes()],
        "hangup_grace": settings.CUSTOMER_HANGUP_GRACE,
        "reconnect_limit": settings.CONSOLE_RECONNECT_LIMIT,
        # Inbound calls (desk.js): the outcomes a call is filed under, the socket's heartbeat,
        # and in sandbox mode the numbers a simulated caller may dial.
        "dispositions": agent_api.dispositions_json(),
        "heartbeat_seconds": agents.HEARTBEAT_SECONDS,
        "inbound_numbers": simulated_numbers() if settings.KALLGLOT_SANDBOX else [],
        # The postMessage API talks to the host page only at these exact origins.
        "embed": {"allowed_origins": settings.EMBED_ALLOWED_ORIGINS},
    }
    # The agent's newest live call: this page takes it over (a reload, a crashed tab, a second
    # tab); any older ones are listed to be ended.
    open_calls = list(services.open_calls(request.user))
    live = open_calls.pop() if open_calls else None
    config["resume"] = api.session_json(live, request) if live else None
    context = {
        "console_config": config,
        "open_calls": open_calls,
        "sandbox": settings.KALLGLOT_SANDBOX,
    }
    return render(request, "sessions_app/console.html", context)
