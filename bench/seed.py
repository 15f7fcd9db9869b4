"""Seeds one database for the growth section: python bench/seed.py DATABASE_URL CALLS [DAYS]

Every database gets the same working rows: the agent and the supervisor the section signs in
as, and the call being worked on (live, two events, two webhook deliveries). CALLS > 0 adds
calls before them: ended calls spread over DAYS (365) days across AGENTS agents and the
bench's agent, each with its created and ended events and their two webhook deliveries,
written by set-based SQL (one INSERT … SELECT a table). Prints the working call's ids as JSON.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

AGENTS = 499  # and the bench's agent: a 500-agent centre
MODES = ("bidirectional_translation", "assistive_translation", "ai_agent", "help_chat_voice")
LANGUAGES = (("en", "es"), ("de", "en"), ("fr", "it"), ("en", "pl"), ("", "ja"))
WORKING = {
    "kallglot_id": "sess_GROWTHLIVE",
    "customer_id": "CUST-WORKING",
    "delivery": "evt_GROWTHLIVE_started",
}


def main(database_url: str, calls: int, days: int) -> None:
    harness.setup_django(database_url)
    agent = harness.make_user("bench-agent")
    harness.make_user("bench-supervisor", supervisor=True)
    call = working_call(agent)
    if calls:
        year(calls, days, other_agents(), agent)
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
    users = [User(username=f"growth-agent-{n:03d}") for n in range(AGENTS)]
    for user in users:
        user.set_unusable_password()  # no one signs in as them; hashing 500 would take minutes
    User.objects.bulk_create(users)
    return list(User.objects.filter(username__startswith="growth-agent-").order_by("pk"))


def year(calls: int, days: int, others: list[object], agent: object) -> None:
    """`calls` ended calls, the newest a day old, the oldest `days` older; with their events and
    deliveries. Each table is one INSERT … SELECT over a series of numbers, so the database
    writes a million rows without a round trip per row. Prints its progress to stderr."""
    from django.db import connection, transaction
    from django.utils import timezone

    began = time.monotonic()
    sql = SQL[connection.vendor]
    newest = timezone.now() - timedelta(days=1)
    ago = functools.partial(sql["ago"], sql["time"](newest), days * 86400 / calls)
    with transaction.atomic(), connection.cursor() as cursor:
        columns, values, params = call_columns(sql, ago, others, agent)
        series = sql["series"]
        cursor.execute(
            f"{series} INSERT INTO sessions_app_callsession ({columns}) SELECT {values} FROM n",  # noqa: S608 - the bench's own SQL
            [calls - 1, *params],
        )
        progress("calls", began)
        for seq, kind in enumerate(("session.created", "session.ended"), 1):
            cursor.execute(sql["deliveries"], {"kind": kind, "name": kind.split(".")[1]})
            cursor.execute(EVENTS, [seq, kind])
            progress(f"{kind} deliveries and events", began)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by now, a year on
    progress("statistics", began)


def progress(what: str, began: float) -> None:
    print(f"seeded {what}, {time.monotonic() - began:.0f} s", file=sys.stderr)


def call_columns(
    sql: dict, ago: Callable[[int], str], others: list[object], agent: object
) -> tuple[str, str, list]:
    """The calls table's columns and, for each, its value for call number `n`: the seeded
    ones below, every other column its model default (so a column added later needs nothing
    here). Call n is the bench agent's every 500th time, else the other agents' in turn."""
    from django.db import connection

    from sessions_app.models import CallSession

    first, k = others[0].pk, len(others) + 1
    assert [other.pk for other in others] == list(range(first, first + k - 1)), "ids not in a row"
    seeded = {
        "public_id": sql["uuid"],
        "kallglot_id": sql["text"]("sess_Y", "n", 8),
        "agent_id": f"CASE WHEN n %% {k} = {k - 1} THEN {agent.pk} ELSE {first} + n %% {k} END",
        "mode": case("n %% 4", MODES),
        "source_language": case("n %% 5", [source for source, _ in LANGUAGES]),
        "target_language": case("n %% 5", [target for _, target in LANGUAGES]),
        "metadata": sql["metadata"],
        "status": "'ended'",
        "created_at": ago(0),
        "started_at": ago(10),
        "ended_at": ago(310),
        "updated_at": ago(310),
        "duration_seconds": "300.0",
        "end_reason": "'explicit_end'",
        "idempotency_key": "'year-' || n",
        "last_event_seq": "2",
        "customer_number": sql["text"]("+49301", "n %% 20000", 6),
    }
    names, values, params = [], [], []
    for field in CallSession._meta.concrete_fields:
        if field.generated or field.primary_key:
            continue
        names.append(connection.ops.quote_name(field.column))
        if field.column in seeded:
            values.append(seeded[field.column])
        else:
            values.append("%s")
            default = field.get_default() if field.has_default() or not field.null else None
            params.append(field.get_db_prep_save(default, connection))
    return ", ".join(names), ", ".join(values), params


def case(number: str, choices: tuple | list) -> str:
    whens = " ".join(f"WHEN {i} THEN '{choice}'" for i, choice in enumerate(choices))
    return f"CASE {number} {whens} END"


# Each database's words for the same rows (%s: the last number, then the model defaults).
SQL = {
    "postgresql": {
        "series": "WITH n AS (SELECT generate_series(0, %s) AS n)",
        "uuid": "gen_random_uuid()",
        "text": lambda prefix, n, width: f"'{prefix}' || lpad(({n})::text, {width}, '0')",
        "time": lambda moment: moment.isoformat(),
        "ago": lambda newest, step, plus: (
            f"('{newest}'::timestamptz - make_interval(secs => n * {step})"
            f" + interval '{plus} seconds')"
        ),
        "metadata": (
            "jsonb_build_object('external_call_id', 'EXT-' || lpad(n::text, 8, '0'),"
            " 'customer_id', 'CUST-' || lpad((n %% 20000)::text, 5, '0'),"
            " 'ticket_id', 'T-' || lpad(n::text, 8, '0'))"
        ),
        "deliveries": (
            "INSERT INTO sessions_app_webhookevent (event_id, event_type, kallglot_session_id,"
            " session_id, body, headers, event_created_at, received_at, processed_at,"
            " deliveries, outcome, error)"
            " SELECT 'evt_' || substr(kallglot_id, 6) || '_' || %(name)s, %(kind)s,"
            " kallglot_id, id, json_build_object("
            " 'id', 'evt_' || substr(kallglot_id, 6) || '_' || %(name)s,"
            " 'type', %(kind)s, 'api_version', 'v1', 'data', json_build_object('id',"
            " kallglot_id, 'object', 'session', 'status', status))::text, '{}', created_at,"
            " created_at, created_at, 1, 'applied', '' FROM sessions_app_callsession"
            " WHERE kallglot_id LIKE 'sess_Y%%'"
        ),
    },
    "sqlite": {
        "series": "WITH RECURSIVE n(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM n WHERE n < %s)",
        "uuid": "lower(hex(randomblob(16)))",
        "text": lambda prefix, n, width: f"'{prefix}' || printf('%%0{width}d', {n})",
        "time": lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S"),
        "ago": lambda newest, step, plus: (
            f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', '{newest}',"
            f" printf('%%.3f seconds', {plus} - n * {step}))"
        ),
        "metadata": (
            "json_object('external_call_id', 'EXT-' || printf('%%08d', n),"
            " 'customer_id', 'CUST-' || printf('%%05d', n %% 20000),"
            " 'ticket_id', 'T-' || printf('%%08d', n))"
        ),
        "deliveries": (
            "INSERT INTO sessions_app_webhookevent (event_id, event_type, kallglot_session_id,"
            " session_id, body, headers, event_created_at, received_at, processed_at,"
            " deliveries, outcome, error)"
            " SELECT 'evt_' || substr(kallglot_id, 6) || '_' || %(name)s, %(kind)s,"
            " kallglot_id, id, json_object("
            " 'id', 'evt_' || substr(kallglot_id, 6) || '_' || %(name)s,"
            " 'type', %(kind)s, 'api_version', 'v1', 'data', json_object('id',"
            " kallglot_id, 'object', 'session', 'status', status)), '{}', created_at,"
            " created_at, created_at, 1, 'applied', '' FROM sessions_app_callsession"
            " WHERE kallglot_id LIKE 'sess_Y%%'"
        ),
    },
}
# Each call's numbered event of one kind, pointing at its delivery of that kind.
EVENTS = (
    "INSERT INTO sessions_app_sessionevent (session_id, seq, kind, data, occurred_at,"
    " created_at, webhook_event_id)"
    " SELECT w.session_id, %s, w.event_type, '{}', w.received_at, w.received_at, w.id"
    " FROM sessions_app_webhookevent w"
    " WHERE w.event_type = %s AND w.kallglot_session_id LIKE 'sess_Y%%'"
)


def write_history(calls: list, kinds: tuple[str, ...] = ("session.created", "session.ended")):
    """Per call, one webhook delivery and one numbered event for each kind, in order (the
    working call's, by the ORM)."""
    from sessions_app.models import SessionEvent, WebhookEvent

    pairs = [(call, seq, kind) for call in calls for seq, kind in enumerate(kinds, 1)]
    deliveries = WebhookEvent.objects.bulk_create([delivery(call, kind) for call, _, kind in pairs])
    events = [
        SessionEvent(session=call, seq=seq, kind=kind, occurred_at=call.created_at, webhook_event=d)
        for (call, seq, kind), d in zip(pairs, deliveries, strict=True)
    ]
    SessionEvent.objects.bulk_create(events)


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
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 365)
