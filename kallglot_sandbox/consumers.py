"""The stream WebSocket `sessions/<id>/connect?token=…` (kallglot-api.md §3, CURRENT).

Refusals are accepted first and then closed with a `session.error` and a distinct close code,
because a browser only sees close codes once the handshake succeeded (G8): 4001 invalid token,
4002 expired token, 4404 unknown session, 4409 session already ended.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kallglot_sandbox import lifecycle
from kallglot_sandbox.state import Session

logger = logging.getLogger(__name__)

MAX_AUDIO_BYTES = 64 * 1024  # 8 s of µ-law per frame is far beyond the docs' 100-200 ms


class InvalidAudio(Exception):
    pass


def decode_audio(message: dict[str, Any]) -> bytes:
    """The µ-law bytes of a well-formed `audio.input`; InvalidAudio says what is wrong."""
    for field, kind in (("sequence", int | float), ("timestamp_ms", int | float)):
        if not isinstance(message.get(field), kind) or isinstance(message.get(field), bool):
            raise InvalidAudio(f"'{field}' must be a number.")
    if not isinstance(message.get("speaker"), str):
        raise InvalidAudio("'speaker' must be a string.")
    audio = message.get("audio")
    if not isinstance(audio, dict):
        raise InvalidAudio("'audio' must be an object.")
    if audio.get("encoding") != "mulaw" or audio.get("sample_rate_hz") != 8000:
        raise InvalidAudio("Only µ-law ('mulaw') audio at 8000 Hz is accepted.")
    if audio.get("channels", 1) != 1:
        raise InvalidAudio("Only mono audio is accepted.")
    payload = audio.get("payload")
    if not isinstance(payload, str) or not payload:
        raise InvalidAudio("'audio.payload' must be base64 µ-law bytes.")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidAudio("'audio.payload' is not valid base64.") from None
    if len(data) > MAX_AUDIO_BYTES:
        raise InvalidAudio(f"A frame may carry at most {MAX_AUDIO_BYTES} bytes of audio.")
    return data


def _token(scope: dict[str, Any]) -> str:
    """`?token=` (CURRENT); an `Authorization: Bearer` header is accepted too (D6)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0]
    headers = dict(scope.get("headers", []))
    value = headers.get(b"authorization", b"").decode("latin-1")
    return value[7:].strip() if value[:7].lower() == "bearer " else ""


class StreamConsumer(AsyncJsonWebsocketConsumer):
    session: Session | None = None

    async def connect(self) -> None:
        await self.accept()
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        try:
            session = lifecycle.open_stream(session_id, _token(self.scope))
        except lifecycle.StreamRefused as refusal:
            await self.send_json(self._error(refusal.code, refusal.message, session_id))
            await self.close(code=refusal.close_code, reason=refusal.code)
            return
        self.session = session
        session.sockets.add(self)
        await self.send_json({"type": "session.ready", "session_id": session.id})

    async def disconnect(self, code: int) -> None:
        if self.session is not None:
            self.session.sockets.discard(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.session is None or self.session.status == "ended":
            return
        if text_data is None:
            await self._invalid_audio("Audio travels base64-encoded inside JSON text frames.")
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self._reply_error("invalid_message", "Messages are JSON objects with a 'type'.")
            return
        await self.receive_json(message)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content.get("type")
        if kind == "audio.input":
            await self._audio(content)
        elif kind == "audio":
            await self._invalid_audio("The LEGACY 'audio' message is gone; send 'audio.input'.")
        elif kind == "ping":
            await self.send_json({"type": "pong", "session_id": self.session.id})
        elif kind == "session.end":
            await lifecycle.end_session(self.session, "explicit_end")
        else:
            await self._reply_error("unknown_message", f"Unknown message type {kind!r}.")

    async def _audio(self, content: dict[str, Any]) -> None:
        try:
            data = decode_audio(content)
        except InvalidAudio as exc:
            await self._invalid_audio(str(exc))
            return
        await lifecycle.receive_audio(self.session, data)

    async def _invalid_audio(self, message: str) -> None:
        self.session.audio.invalid_frames += 1
        await self._reply_error("invalid_audio_format", message)

    async def _reply_error(self, code: str, message: str) -> None:
        await self.send_json(self._error(code, message, self.session.id))

    @staticmethod
    def _error(code: str, message: str, session_id: str) -> dict[str, str]:
        return {"type": "session.error", "session_id": session_id, "code": code, "message": message}
