"""WebSocket routes: the app's own sockets, plus the sandbox's stream socket when enabled."""

from __future__ import annotations

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.urls import path

from sessions_app.routing import websocket_urlpatterns as app_patterns


def build() -> object:
    # The app's sockets are browser-facing and origin-checked; the sandbox's stream socket
    # stands in for Kallglot, which authenticates by stream token from any origin.
    app = AllowedHostsOriginValidator(URLRouter([path("ws/", URLRouter(app_patterns))]))
    if not settings.KALLGLOT_SANDBOX:
        return app
    from kallglot_sandbox.routing import websocket_urlpatterns as sandbox_patterns

    sandbox = URLRouter([path("sandbox/v1/", URLRouter(sandbox_patterns))])

    async def route(scope: dict, receive: object, send: object) -> None:
        target = sandbox if scope["path"].startswith("/sandbox/") else app
        await target(scope, receive, send)

    return route


websocket_application = build()
