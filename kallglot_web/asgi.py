"""ASGI entry point: Django for HTTP, Channels routing for WebSockets."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kallglot_web.settings")
django.setup(set_prefix=False)

from kallglot_web.daphne_bodies import leave_bodies_to_django  # noqa: E402
from kallglot_web.handler import ReusedThreadASGIHandler  # noqa: E402

leave_bodies_to_django()

django_asgi_app = ReusedThreadASGIHandler()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from kallglot_web.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})
