"""WebSocket routes: the app's own sockets, plus the sandbox's stream socket when enabled.

A path no route knows is refused at the handshake with a warning, not left to Channels'
URLRouter, which raises (an HTTP 500 and an ERROR log for any scanner's probe).
"""

from __future__ import annotations

import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.urls import path, re_path

from sessions_app.routing import websocket_urlpatterns as app_patterns

logger = logging.getLogger(__name__)


class UnknownPath(AsyncWebsocketConsumer):
    """Refuses the handshake (HTTP 403) of a socket no route knows."""

    async def connect(self) -> None:
        logger.warning("WebSocket refused: no route for %s", self.scope["path"][:200])
        await self.close()


def routes(*patterns: object) -> URLRouter:
    return URLRouter([*patterns, re_path(r"", UnknownPath.as_asgi())])


def build() -> object:
    # The app's sockets are browser-facing and origin-checked; the sandbox's stream socket
    # stands in for Kallglot, which authenticates by stream token from any origin.
    app = AllowedHostsOriginValidator(routes(path("ws/", routes(*app_patterns))))
    if not settings.KALLGLOT_SANDBOX:
        return app
    from kallglot_sandbox.routing import websocket_urlpatterns as sandbox_patterns

    sandbox = routes(path("sandbox/v1/", routes(*sandbox_patterns)))

    async def route(scope: dict, receive: object, send: object) -> None:
        target = sandbox if scope["path"].startswith("/sandbox/") else app
        await target(scope, receive, send)

    return route


websocket_application = build()
