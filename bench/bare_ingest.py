"""The floor under the ingest figure: verify the signature, store the raw body, answer.

A bare ASGI application, served by the same Daphne as the app: it checks `Kallglot-Signature`
with the app's own `verify_signature` and inserts the raw body into one SQLite table, one
commit per request (the one durable write), with the app's journal settings (WAL,
synchronous=NORMAL). No Django, no JSON, no dedupe, no apply, no relay (`ingest.py`).
"""

from __future__ import annotations

import os
import sqlite3

from bench.asgi_bits import Receive, Send, read_body, respond
from sessions_app.kallglot import verify_signature

SECRET = os.environ["KALLGLOT_WEBHOOK_SECRET"]
TABLE = "CREATE TABLE IF NOT EXISTS delivery (id INTEGER PRIMARY KEY, body BLOB NOT NULL)"


def open_database(path: str) -> sqlite3.Connection:
    database = sqlite3.connect(path)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    database.execute(TABLE)
    database.commit()
    return database


database = open_database(os.environ["BENCH_FLOOR_DB"])


async def application(scope: dict, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if scope["method"] != "POST":  # the harness's readiness probe
        await respond(send, 200, b"{}")
        return
    header = dict(scope["headers"]).get(b"kallglot-signature", b"").decode("latin-1")
    if not verify_signature(body, header, SECRET):
        await respond(send, 401, b'{"error": "invalid_signature"}')
        return
    database.execute("INSERT INTO delivery (body) VALUES (?)", (body,))
    database.commit()
    await respond(send, 200, b'{"received": true}')
