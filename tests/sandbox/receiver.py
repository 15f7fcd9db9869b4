"""A webhook receiver on a real socket, and signature checks that share no code with the sandbox.

The HMAC is written out from RFC 2104 over hashlib's SHA-256, so a bug in how the sandbox uses
the `hmac` module cannot hide behind the same bug here.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BLOCK = 64  # SHA-256 block size in bytes


def hmac_sha256_hex(key: bytes, message: bytes) -> str:
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key) + message).digest()
    return hashlib.sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest()


def signature_parts(header: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in header.split(","))


def signature_ok(secret: str, header: str, body: bytes) -> bool:
    parts = signature_parts(header)
    expected = hmac_sha256_hex(secret.encode(), parts["t"].encode() + b"." + body)
    return expected == parts["v1"]


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    received_at: float

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return self.event["type"]


@dataclass
class Receiver:
    """Records every POST; answers with queued statuses first (e.g. [500]), then 200."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    def record(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.deliveries.append(Delivery(headers, body, time.monotonic()))
            self.lock.notify_all()
            return self.statuses.pop(0) if self.statuses else 200

    def wait_for(
        self, done: Callable[[list[Delivery]], bool], timeout: float = 8.0
    ) -> list[Delivery]:
        with self.lock:
            assert self.lock.wait_for(lambda: done(self.deliveries), timeout), (
                f"timed out; got {[d.type for d in self.deliveries]}"
            )
            return list(self.deliveries)

    def wait_for_type(self, kind: str, count: int = 1, timeout: float = 8.0) -> list[Delivery]:
        """The deliveries of `kind`, once there are `count` of them."""
        self.wait_for(lambda got: sum(d.type == kind for d in got) >= count, timeout)
        return self.of_type(kind)

    def types(self) -> list[str]:
        with self.lock:
            return [d.type for d in self.deliveries]

    def of_type(self, kind: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.type == kind]


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            self.send_response(receiver.record(headers, body))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server
