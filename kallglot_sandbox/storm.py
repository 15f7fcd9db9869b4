"""`POST _control/webhooks/storm`: many webhook events at once, for the app's fault tests.

Body: `{"session_ids": ["sess_…", …], "count": N, "shuffle": true}`. N `transcript.segment`
events (sequence 1..N, spread round-robin over the sessions, in shuffled order unless
`shuffle` is false) go through the normal delivery: signed, retried on failure, duplicated
and dropped as `_control/config` says. Answers 202 with their event ids.
"""

from __future__ import annotations

import random
import time

from django.http import HttpResponse, JsonResponse

from kallglot_sandbox import webhooks
from kallglot_sandbox.errors import invalid
from kallglot_sandbox.gateway import Call, endpoint
from kallglot_sandbox.ids import iso
from kallglot_sandbox.state import store

MAX_EVENTS = 50_000


@endpoint(None, "POST")
async def storm(call: Call) -> HttpResponse:
    body = call.json() or {}
    session_ids, count = body.get("session_ids"), body.get("count")
    if not isinstance(session_ids, list) or not session_ids:
        raise invalid("'session_ids' must list sandbox sessions.", "session_ids")
    if any(sid not in store.sessions for sid in session_ids):
        raise invalid("'session_ids' names a session the sandbox does not know.", "session_ids")
    if not isinstance(count, int) or not 1 <= count <= MAX_EVENTS:
        raise invalid(f"'count' must be 1-{MAX_EVENTS}.", "count")
    sequences = list(range(1, count + 1))
    if body.get("shuffle", True):
        random.shuffle(sequences)
    event_ids = [
        emit_segment(session_ids[index % len(session_ids)], sequence).id
        for index, sequence in enumerate(sequences)
    ]
    return JsonResponse({"count": count, "event_ids": event_ids}, status=202)


def emit_segment(session_id: str, sequence: int) -> webhooks.Event:
    data = {
        "session_id": session_id,
        "sequence": sequence,
        "speaker": "agent",
        "language": "en",
        "text": f"Storm segment {sequence}",
        "timestamp": iso(time.time()),
    }
    return webhooks.emit("transcript.segment", data, session_id)
