"""`GET /healthz` for load balancers: the database and the channel layer answer."""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)


def _check_db() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


async def _check_layer() -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=2)
    return "ok"


async def healthz(request: HttpRequest) -> JsonResponse:
    report = {}
    for name, check in (("db", sync_to_async(_check_db)), ("channel_layer", _check_layer)):
        try:
            report[name] = await check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            logger.warning("healthz: %s failed: %s", name, type(exc).__name__)
            report[name] = "error"
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
