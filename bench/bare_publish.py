"""The floor under the webhook-to-socket figure: a receiver that only publishes to the group.

A bare ASGI application, served by the same Daphne as the app: each POSTed event goes, with
channels_redis' pub/sub layer (the app's, on the same Redis), to the group that the app's
status sockets of that call join, as the message the app's relay sends. The app's worker
holding the sockets passes it on, so the same WebSocket clients receive it (`latency.py`).
No Django, no signature, no database.

`BENCH_GROUPS` maps each Kallglot session id to its group's name (the bench reads them from
`sessions_app.relay.session_group`).
"""

from __future__ import annotations

import json
import os

from channels_redis.pubsub import RedisPubSubChannelLayer

from bench.asgi_bits import Receive, Send, read_body, respond

GROUPS: dict[str, str] = json.loads(os.environ["BENCH_GROUPS"])
EVENT = "session.event"  # the type of the app's relayed-event message (sessions_app/relay.py)
layer = RedisPubSubChannelLayer(hosts=[os.environ["REDIS_URL"]])


async def application(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if scope["method"] == "POST":
        event = json.loads(body)
        await layer.group_send(GROUPS[event["data"]["session_id"]], message(event))
    await respond(send, 200, b"{}")


def message(event: dict) -> dict:
    """The channel-layer message the app's relay sends for an event, its text ready-made."""
    data = event["data"]
    text = {
        "type": "event",
        "session_id": data["session_id"],
        "seq": data["sequence"],
        "kind": event["type"],
        "at": event["created_at"],
        "data": data,
    }
    return {"type": EVENT, "text": json.dumps(text)}
