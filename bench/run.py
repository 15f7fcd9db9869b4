"""Every figure of design.md §8, each beside its target, in one run: python bench/run.py"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def main(only: set[str]) -> None:
    def wanted(name: str) -> bool:
        return not only or name in only

    harness.setup_django()
    agent = harness.make_user("bench-agent")
    print(f"Kallglot Agent Console benchmarks (work dir {harness.WORKDIR})\n", flush=True)
    import create_overhead
    import page_weight
    import sockets
    import uplink
    import webhooks

    if wanted("create"):
        create_overhead.give_history(agent)
        app, sandbox = harness.start_with_own_sandbox()
        forwarder = harness.start_forwarder(sandbox)
        try:
            create_overhead.measure(app, sandbox, forwarder)
        finally:
            for server in (app, sandbox, forwarder):
                server.stop()
    single = harness.start()
    try:
        if wanted("weight"):
            page_weight.measure(single)
        if wanted("ingest"):
            webhooks.ingest(single, agent)
        if wanted("sockets"):
            sockets.measure(single, agent)
    finally:
        single.stop()
    if wanted("latency"):
        redis = {"REDIS_URL": "redis://127.0.0.1:6379/6"}
        pair = [harness.start(**redis), harness.start(**redis)]
        try:
            webhooks.latency(pair[0], pair[1], agent)
        finally:
            for server in pair:
                server.stop()
    if wanted("uplink"):
        uplink.measure()


if __name__ == "__main__":
    main(set(sys.argv[1:]))
