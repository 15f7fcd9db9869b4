"""ASGI entry point, as Channels documents it: Django for HTTP, Channels routing for sockets."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kallglot_web.settings")
# First, so the app registry is ready before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from kallglot_web.daphne_bodies import leave_bodies_to_django  # noqa: E402
from kallglot_web.routing import websocket_application  # noqa: E402

leave_bodies_to_django()

application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websocket_application})
