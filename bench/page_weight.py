"""Console page weight: the HTML and every script and stylesheet it loads, uncompressed."""

from __future__ import annotations

import re

from harness import Server, make_user, report, signed_in

REFERENCE = re.compile(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"')
# ES module imports, and `new URL("./x.js", import.meta.url)` (the AudioWorklet module).
IMPORT = re.compile(r'(?:from\s+|import\s*\(?\s*|new URL\(\s*)["\'`]([^"\'`]+\.js)["\'`]')


def measure(server: Server) -> None:
    # An agent with no open calls: the create section leaves the bench agent hundreds (its
    # limits are lifted), and the console would list each of them.
    make_user("bench-console")
    client = signed_in(server, "bench-console")
    html = client.get("/").text
    seen: dict[str, int] = {}
    pending = REFERENCE.findall(html)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        text = client.get(path).text
        seen[path] = len(text.encode())
        base = path.rsplit("/", 1)[0]
        pending += [resolve(base, name) for name in IMPORT.findall(text)]
    total = len(html.encode()) + sum(seen.values())
    detail = f"{total / 1024:.1f} KB ({len(seen)} files)"
    report("console page weight (HTML+JS+CSS)", detail, "<= 60 KB", total <= 60 * 1024)


def resolve(base: str, name: str) -> str:
    if name.startswith("/"):
        return name
    parts = base.split("/")
    for piece in name.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)
