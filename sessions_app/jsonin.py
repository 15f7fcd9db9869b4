"""JSON from outside (browsers, Kallglot, sockets), read within limits.

`json.loads` recurses once per level of nesting: 100,000 `[` raise RecursionError deep in the
parser, which no caller expects. Every body the app reads goes through `load`, which refuses
a body that is too large, nests too deeply or holds text no database can store (a lone
UTF-16 surrogate such as `"\ud800"`, which JSON allows) with a plain `ValueError`.
"""

from __future__ import annotations

import json

MAX_DEPTH = 32  # the app's own JSON nests 4 levels; Kallglot's webhooks 5
MAX_BYTES = 256 * 1024


def load(raw: bytes | str, *, max_bytes: int = MAX_BYTES) -> object:
    """The parsed JSON, or ValueError if it is not JSON, too large or too deeply nested."""
    if len(raw) > max_bytes:
        raise ValueError(f"larger than {max_bytes} bytes")
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    check(value)
    return value


def check(value: object) -> None:
    """Walk `value` without recursion: no deeper than MAX_DEPTH, only storable text."""
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            pending.extend((key, level) for key in item)
            item = list(item.values())
        if isinstance(item, list):
            if level > MAX_DEPTH:
                raise ValueError("nested too deeply")
            pending.extend((child, level + 1) for child in item)
        elif isinstance(item, str) and not storable(item):
            raise ValueError("text with a lone surrogate")


def storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
