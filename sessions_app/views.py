"""Pages for agents: the console (everything else is JSON in api.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sessions_app import agent_api, agents, languages, links, phone, routes, services
from sessions_app.models import CallSession, SessionEvent
from sessions_app.validation import CRM_FIELDS


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
    context = {
        "console_config": config,
        "open_calls": services.open_calls(request.user),
        "sandbox": settings.KALLGLOT_SANDBOX,
    }
    return render(request, "sessions_app/console.html", context)
