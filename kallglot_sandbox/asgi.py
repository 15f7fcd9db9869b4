"""ASGI app serving only the sandbox: REST at /v1/…, the stream at /v1/sessions/<id>/connect.

`manage.py runsandbox` serves it; it is importable as `kallglot_sandbox.asgi:application` for
any ASGI server. The project's own URLconf is bypassed per request, so none of the product's
routes exist here, whatever KALLGLOT_SANDBOX says.
"""

from __future__ import annotations

import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kallglot_web.settings")
django.setup(set_prefix=False)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.urls import path  # noqa: E402

from kallglot_sandbox.routing import websocket_urlpatterns  # noqa: E402

URLCONF = "kallglot_sandbox.standalone_urls"


class SandboxASGIHandler(ASGIHandler):
    """Django's handler with every request routed by the stand-alone URLconf."""

    def create_request(self, scope: dict[str, Any], body_file: Any) -> tuple[Any, Any]:
        request, error = super().create_request(scope, body_file)
        if request is not None:
            request.urlconf = URLCONF
        return request, error


application = ProtocolTypeRouter(
    {
        "http": SandboxASGIHandler(),
        "websocket": URLRouter([path("v1/", URLRouter(websocket_urlpatterns))]),
    }
)
