"""Seeds one database for the growth section: python bench/seed.py DATABASE_URL CALLS

Every database gets the same working rows: the agent and the supervisor the section signs in
as, and the call being worked on (live, two events, two webhook deliveries). CALLS > 0 adds a
year of calls before them: ended calls spread over 365 days across AGENTS agents and the
bench's agent, each with its created and ended events and their two webhook deliveries,
written with bulk inserts in large batches. Prints the working call's ids as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

AGENTS = 40
CHUNK = 10_000  # calls per transaction
BATCH = 5_000  # rows per INSERT, where the database allows that many
MODES = ("bidirectional_translation", "assistive_translation", "ai_agent", "help_chat_voice")
LANGUAGES = (("en", "es"), ("de", "en"), ("fr", "it"), ("en", "pl"), ("", "ja"))
WORKING = {
    "kallglot_id": "sess_GROWTHLIVE",
    "customer_id": "CUST-WORKING",
    "delivery": "evt_GROWTHLIVE_started",
}


def main(database_url: str, calls: int) -> None:
    harness.setup_django(database_url)
    agent = harness.make_user("bench-agent")
    harness.make_user("bench-supervisor", supervisor=True)
    call = working_call(agent)
    if calls:
        year(calls, [*other_agents(), agent])
    print(json.dumps(WORKING | {"public_id": str(call.public_id)}))


def working_call(agent: object) -> object:
    from django.utils import timezone

    from sessions_app.models import CallSession

    started = timezone.now() - timedelta(minutes=2)
    call = CallSession.objects.create(
        kallglot_id=WORKING["kallglot_id"],
        agent=agent,
        mode=MODES[0],
        metadata={"customer_id": WORKING["customer_id"]},
        status="active",
        created_at=started,
        started_at=started,
        idempotency_key="growth-working",
        last_event_seq=2,
    )
    write_history([call], ["session.created", "session.started"])
    return call


def other_agents() -> list[object]:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = [User(username=f"growth-agent-{n:02d}") for n in range(AGENTS)]
    for user in users:
        user.set_unusable_password()  # no one signs in as them; hashing 40 would take 15 s
    return User.objects.bulk_create(users)


def year(calls: int, agents: list[object]) -> None:
    """`calls` ended calls, the newest a day old, the oldest a year; with events and
    deliveries. Prints its progress to stderr."""
    from django.db import transaction
    from django.utils import timezone

    from sessions_app.models import CallSession

    newest, step = timezone.now() - timedelta(days=1), timedelta(days=365) / calls
    began = time.monotonic()
    for first in range(0, calls, CHUNK):
        numbers = range(first, min(calls, first + CHUNK))
        with transaction.atomic():
            rows = [past_call(n, agents[n % len(agents)], newest - step * n) for n in numbers]
            write_history(CallSession.objects.bulk_create(rows, batch_size=BATCH))
        print(f"seeded {numbers.stop} calls, {time.monotonic() - began:.0f} s", file=sys.stderr)


def past_call(n: int, agent: object, created: datetime) -> object:
    from sessions_app.models import CallSession

    source, target = LANGUAGES[n % len(LANGUAGES)]
    return CallSession(
        kallglot_id=f"sess_Y{n:08d}",
        agent=agent,
        mode=MODES[n % len(MODES)],
        source_language=source,
        target_language=target,
        metadata={
            "external_call_id": f"EXT-{n:08d}",
            "customer_id": f"CUST-{n % 20_000:05d}",
            "ticket_id": f"T-{n:08d}",
        },
        status="ended",
        created_at=created,
        started_at=created + timedelta(seconds=10),
        ended_at=created + timedelta(seconds=310),
        duration_seconds=300.0,
        end_reason="explicit_end",
        idempotency_key=f"year-{n}",
        last_event_seq=2,
    )


def write_history(calls: list, kinds: tuple[str, ...] = ("session.created", "session.ended")):
    """Per call, one webhook delivery and one numbered event for each kind, in order."""
    from sessions_app.models import SessionEvent, WebhookEvent

    pairs = [(call, seq, kind) for call in calls for seq, kind in enumerate(kinds, 1)]
    deliveries = WebhookEvent.objects.bulk_create(
        [delivery(call, kind) for call, _, kind in pairs], batch_size=BATCH
    )
    events = [
        SessionEvent(session=call, seq=seq, kind=kind, occurred_at=call.created_at, webhook_event=d)
        for (call, seq, kind), d in zip(pairs, deliveries, strict=True)
    ]
    SessionEvent.objects.bulk_create(events, batch_size=BATCH)


def delivery(call: object, kind: str) -> object:
    from sessions_app.models import WebhookEvent

    event_id = f"evt_{call.kallglot_id[5:]}_{kind.split('.')[1]}"
    data = {"id": call.kallglot_id, "object": "session", "status": call.status}
    envelope = {"id": event_id, "type": kind, "api_version": "v1", "data": data}
    return WebhookEvent(
        event_id=event_id,
        event_type=kind,
        kallglot_session_id=call.kallglot_id,
        session=call,
        body=json.dumps(envelope),
        event_created_at=call.created_at,
        received_at=call.created_at,
        processed_at=call.created_at,
        outcome="applied",
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
