"""Console transfer size: the HTML and every stylesheet, module script and AudioWorklet it
loads, as served with `Accept-Encoding: gzip`.

A body the server sends compressed counts as it came over the wire; one it sends as it is
is gzipped here (level 9) and counted so, and the line says how many were. There is no
floor: the target is absolute (<= 30 KB).
"""

from __future__ import annotations

import gzip
import re

import harness
import httpx

REFERENCE = re.compile(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"')
# ES module imports, and `new URL("./x.js", import.meta.url)` (the AudioWorklet module).
IMPORT = re.compile(r'(?:from\s+|import\s*\(?\s*|new URL\(\s*)["\'`]([^"\'`]+\.js)["\'`]')
TARGET_KB = 30
# An agent with no open calls, the console an agent opens every morning (other sections leave
# their agents' calls open, and the console lists each).
USER = "bench-console"


def measure() -> None:
    harness.make_user(USER)
    server = harness.start()
    try:
        sizes = weigh(harness.signed_in(server, USER))
    finally:
        server.stop()
    wire = sum(size for size, _, _ in sizes.values())
    plain = sum(size for _, size, _ in sizes.values())
    gzipped_here = sum(here for _, _, here in sizes.values())
    kb = wire / 1024
    harness.line("console transfer size (HTML+JS+CSS, compressed)", f"{kb:.1f} KB", "", "",
                 f"<= {TARGET_KB} KB", kb <= TARGET_KB)  # fmt: skip
    how = f"{gzipped_here} of {len(sizes)} sent uncompressed, gzip -9 here" if gzipped_here else ""
    harness.inform(f"the HTML and {len(sizes) - 1} files, {plain / 1024:.1f} KB uncompressed", how)


def weigh(client: httpx.Client) -> dict[str, tuple[int, int, bool]]:
    """Per path: bytes on the wire (compressed), bytes uncompressed, whether gzipped here."""
    sizes, html = fetch(client, "/")
    found = {"/": sizes}
    pending = REFERENCE.findall(html)
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found[path], text = fetch(client, path)
        base = path.rsplit("/", 1)[0]
        pending += [resolve(base, name) for name in IMPORT.findall(text)]
    return found


def fetch(client: httpx.Client, path: str) -> tuple[tuple[int, int, bool], str]:
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    response.raise_for_status()
    body = response.content
    if response.headers.get("Content-Encoding") in ("gzip", "br"):
        return (response.num_bytes_downloaded, len(body), False), response.text
    return (len(gzip.compress(body, compresslevel=9, mtime=0)), len(body), True), response.text


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


if __name__ == "__main__":
    harness.setup_django()
    harness.header()
    measure()
