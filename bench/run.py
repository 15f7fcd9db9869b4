"""Every performance figure of the console, each as a ratio to a floor measured in the same
run (bench/README.md): python bench/run.py [section ...]"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

# Section name -> the module whose measure() prints it, in the order of the README's table.
SECTIONS = {
    "clicktolive": "clicktolive",
    "create": "create_overhead",
    "ingest": "ingest",
    "latency": "latency",
    "growth": "growth",
    "fairness": "fairness",
    "sockets": "sockets",
    "weight": "page_weight",
    "uplink": "uplink",
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(SECTIONS)
    if unknown:
        sys.exit(f"unknown section(s): {' '.join(sorted(unknown))}; known: {' '.join(SECTIONS)}")
    harness.setup_django()
    print(f"Kallglot Agent Console benchmarks (work dir {harness.WORKDIR})\n", flush=True)
    harness.header()
    for name in names or SECTIONS:
        started = time.monotonic()
        importlib.import_module(SECTIONS[name]).measure()
        print(f"  ({name} took {time.monotonic() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
