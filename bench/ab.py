"""Two settings of the app side by side, their samples interleaved, so that the machine's
drift hits both alike: a shortcut off the frameworks' public ways stays only if it wins
by 20 % on one figure here, in both orders (bench/README.md).

    python bench/ab.py create CONN_MAX_AGE=0 -- CONN_MAX_AGE=600
    python bench/ab.py ingest CONN_MAX_AGE=0 -- CONN_MAX_AGE=600

Each side is a worker of its own started with its environment (for `create`, with a sandbox
process of its own). `create` prints each side's overhead over the direct create, `ingest`
each side's rate and its worker's CPU per delivery (from /proc), which drifts less than a
rate. For a change of code rather than of settings, put the change behind a temporary
environment switch. Run it again with the sides swapped before believing a difference.
"""

from __future__ import annotations

import sys

import create_overhead
import harness
import ingest


def create(sides: dict[str, dict[str, str]]) -> None:
    pairs = {name: harness.start_with_own_sandbox(**env) for name, env in sides.items()}
    try:
        paths = {}
        for name, (app, sandbox) in pairs.items():
            paths[f"{name} direct"] = (create_overhead.direct_client(sandbox), "/sessions")
            paths[f"{name} app"] = (harness.signed_in(app, create_overhead.USER), "/api/sessions")
        median = create_overhead.medians(paths)
    finally:
        harness.stop(*(server for pair in pairs.values() for server in pair))
    for name, env in sides.items():
        app, direct = median[f"{name} app"], median[f"{name} direct"]
        print(f"{name} {env}: overhead {app - direct:.2f} ms ({app:.2f} - {direct:.2f})")


def ingest_rates(sides: dict[str, dict[str, str]]) -> None:
    servers = {name: harness.start(**env) for name, env in sides.items()}
    calls = harness.make_calls(harness.make_user("bench-agent"), 20)
    try:
        seconds, cpu = ingest.rounds(servers, calls)
    finally:
        harness.stop(*servers.values())
    sent = (ingest.ROUNDS - 1) * (ingest.BATCH + ingest.DUPLICATES)
    for name, env in sides.items():
        rate, per_delivery = sent / seconds[name], cpu[name] * 1000 / sent
        print(f"{name} {env}: {rate:.0f} deliveries/s, worker CPU {per_delivery:.2f} ms each")


def parse_sides(args: list[str]) -> dict[str, dict[str, str]]:
    split = args.index("--") if "--" in args else len(args)
    env = [dict(arg.split("=", 1) for arg in side) for side in (args[:split], args[split + 1 :])]
    return {"A": env[0], "B": env[1]}


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("create", "ingest"):
        sys.exit(__doc__)
    harness.setup_django()
    what, sides = sys.argv[1], parse_sides(sys.argv[2:])
    if what == "create":
        create_overhead.give_history(harness.make_user(create_overhead.USER))
        create(sides)
    else:
        ingest_rates(sides)
