"""WebSocket routes: the app's own sockets, plus the sandbox's stream socket when enabled."""

from __future__ import annotations

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.urls import path

from sessions_app.routing import websocket_urlpatterns as app_patterns


def _routes() -> list:
    # The app's sockets are browser-facing and origin-checked; the sandbox's stream socket
    # stands in for Kallglot, which authenticates by stream token from any origin.
    routes = [path("ws/", AllowedHostsOriginValidator(URLRouter(app_patterns)))]
    if settings.KALLGLOT_SANDBOX:
        from kallglot_sandbox.routing import websocket_urlpatterns as sandbox_patterns

        routes.append(path("sandbox/v1/", URLRouter(sandbox_patterns)))
    return routes


websocket_application = URLRouter(_routes())
