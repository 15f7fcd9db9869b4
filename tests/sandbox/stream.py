"""A real WebSocket client for the sandbox's stream, with the waits the tests need."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

FRAME_BYTES = 800  # 100 ms of µ-law at 8 kHz


def stream_url(session: dict[str, Any], token: str | None = None) -> str:
    stream = session["stream"]
    return f"{stream['url']}?token={token or stream['token']}"


def open_stream(session: dict[str, Any], token: str | None = None) -> Any:
    return connect(stream_url(session, token), open_timeout=5, max_size=None)


def audio_message(payload: bytes, sequence: int, **audio: Any) -> str:
    body = {"encoding": "mulaw", "sample_rate_hz": 8000}
    body.update(audio)
    body["payload"] = base64.b64encode(payload).decode()
    return json.dumps(
        {
            "type": "audio.input",
            "sequence": sequence,
            "timestamp_ms": int(time.time() * 1000),
            "speaker": "agent",
            "audio": body,
        }
    )


async def send_audio(ws: ClientConnection, ulaw: bytes, frame_bytes: int = FRAME_BYTES) -> int:
    """Send `ulaw` as audio.input frames (as fast as possible); returns the frame count."""
    count = 0
    for offset in range(0, len(ulaw), frame_bytes):
        count += 1
        await ws.send(audio_message(ulaw[offset : offset + frame_bytes], count))
    return count


async def receive(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def collect(
    ws: ClientConnection, until: Callable[[list[dict[str, Any]]], bool], timeout: float = 8.0
) -> list[dict[str, Any]]:
    """Messages received until `until(messages)` holds; fails the test on timeout."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not until(messages):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out; got {[m['type'] for m in messages]}"
        messages.append(await receive(ws, remaining))
    return messages


async def quiet_for(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    """Everything received during `seconds`."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            messages.append(await receive(ws, remaining))
        except TimeoutError:
            break
    return messages


async def until_closed(ws: ClientConnection, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Messages received until the server closes the socket."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            messages.append(await receive(ws, max(0.01, deadline - time.monotonic())))
        except ConnectionClosed:
            return messages
        assert time.monotonic() < deadline, "the server did not close the socket"


def of_type(messages: list[dict[str, Any]], kind: str, **fields: Any) -> list[dict[str, Any]]:
    return [
        m
        for m in messages
        if m["type"] == kind and all(m.get(key) == value for key, value in fields.items())
    ]
