"""The blocking Kallglot client, for sync code (admin actions, management commands)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from sessions_app.kallglot import endpoints
from sessions_app.kallglot.endpoints import Call
from sessions_app.kallglot.errors import KallglotError, error_from_exception
from sessions_app.kallglot.transport import AudioStream, Core, audio_headers
from sessions_app.kallglot.types import Analysis, Recording, RecordingPage, Session, Transcript

T = TypeVar("T")


class KallglotClient(Core):
    """Blocking client for sync code (admin actions, management commands, sync views)."""

    _http_class = httpx.Client
    _default_sleep = staticmethod(time.sleep)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KallglotClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def create_session(
        self,
        *,
        mode: str,
        source_language: str | None = None,
        target_language: str | None = None,
        metadata: dict[str, str] | None = None,
        recording: bool | None = None,
        routing: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Session:
        return self._call(
            endpoints.create_session(
                mode=mode,
                source_language=source_language,
                target_language=target_language,
                metadata=metadata,
                recording=recording,
                routing=routing,
                idempotency_key=idempotency_key,
            )
        )

    def get_session(self, session_id: str) -> Session:
        return self._call(endpoints.get_session(session_id))

    def end_session(self, session_id: str, *, idempotency_key: str | None = None) -> Session:
        return self._call(endpoints.end_session(session_id, idempotency_key=idempotency_key))

    def get_transcript(self, session_id: str) -> Transcript:
        return self._call(endpoints.get_transcript(session_id))

    def list_recordings(
        self, session_id: str, *, limit: int | None = None, starting_after: str | None = None
    ) -> RecordingPage:
        call = endpoints.list_recordings(session_id, limit=limit, starting_after=starting_after)
        return self._call(call)

    def get_recording(self, recording_id: str) -> Recording:
        return self._call(endpoints.get_recording(recording_id))

    @contextmanager
    def stream_recording_audio(
        self, recording_id: str, *, range_header: str | None = None
    ) -> Iterator[AudioStream]:
        call = endpoints.recording_audio(recording_id, range_header=range_header)
        response, attempts = self._send(call, stream=True)
        try:
            self._check_audio(call, response, attempts)
            chunks = self._chunks(call, response, attempts)
            yield AudioStream(response.status_code, audio_headers(response), chunks)
        finally:
            response.close()

    def create_analysis(
        self,
        session_id: str,
        *,
        profile: str = "default",
        include: Sequence[str] | None = None,
        idempotency_key: str | None = None,
    ) -> Analysis:
        call = endpoints.create_analysis(
            session_id, profile=profile, include=include, idempotency_key=idempotency_key
        )
        return self._call(call)

    def get_analysis(self, analysis_id: str) -> Analysis:
        return self._call(endpoints.get_analysis(analysis_id))

    def _chunks(self, call: Call, response: httpx.Response, attempts: int) -> Iterator[bytes]:
        try:
            yield from response.iter_bytes()
        except httpx.RequestError as exc:
            self._broken_stream(call, exc, attempts)

    def _call(self, call: Call[T]) -> T:
        response, attempts = self._send(call)
        return self._result(call, response, attempts)

    def _send(self, call: Call, *, stream: bool = False) -> tuple[httpx.Response, int]:
        started, attempt = self._clock(), 0
        while True:
            attempt += 1
            outcome = self._attempt(call, started, stream)
            if isinstance(outcome, httpx.Response):
                return outcome, attempt
            delay = self._next_delay(outcome, attempt, started)
            if delay is None:
                self._fail(call, outcome, attempt)
            self._sleep(delay)

    def _attempt(self, call: Call, started: float, stream: bool) -> httpx.Response | KallglotError:
        request = self._request(self._http, call, started)
        try:
            response = self._http.send(request, stream=stream)
            self._seen(response)
            if response.is_success:
                return response
            try:
                response.read()
            finally:
                response.close()
        except httpx.RequestError as exc:
            return error_from_exception(exc)
        return self._error(response)
