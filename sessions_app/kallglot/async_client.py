"""The non-blocking Kallglot client, for async views and consumers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx

from sessions_app.kallglot import endpoints
from sessions_app.kallglot.endpoints import Call
from sessions_app.kallglot.errors import KallglotError, error_from_exception
from sessions_app.kallglot.transport import AudioStream, Core, audio_headers
from sessions_app.kallglot.types import Analysis, Recording, RecordingPage, Session, Transcript

T = TypeVar("T")


class AsyncKallglotClient(Core):
    """Non-blocking twin of `KallglotClient` for async views and consumers."""

    _http_class = httpx.AsyncClient
    _default_sleep = staticmethod(asyncio.sleep)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncKallglotClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def create_session(
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
        return await self._call(
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

    async def get_session(self, session_id: str) -> Session:
        return await self._call(endpoints.get_session(session_id))

    async def end_session(self, session_id: str, *, idempotency_key: str | None = None) -> Session:
        return await self._call(endpoints.end_session(session_id, idempotency_key=idempotency_key))

    async def get_transcript(self, session_id: str) -> Transcript:
        return await self._call(endpoints.get_transcript(session_id))

    async def list_recordings(
        self, session_id: str, *, limit: int | None = None, starting_after: str | None = None
    ) -> RecordingPage:
        call = endpoints.list_recordings(session_id, limit=limit, starting_after=starting_after)
        return await self._call(call)

    async def get_recording(self, recording_id: str) -> Recording:
        return await self._call(endpoints.get_recording(recording_id))

    @asynccontextmanager
    async def stream_recording_audio(
        self, recording_id: str, *, range_header: str | None = None
    ) -> AsyncIterator[AudioStream]:
        call = endpoints.recording_audio(recording_id, range_header=range_header)
        response, attempts = await self._send(call, stream=True)
        try:
            self._check_audio(call, response, attempts)
            chunks = self._chunks(call, response, attempts)
            yield AudioStream(response.status_code, audio_headers(response), chunks)
        finally:
            await response.aclose()

    async def create_analysis(
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
        return await self._call(call)

    async def get_analysis(self, analysis_id: str) -> Analysis:
        return await self._call(endpoints.get_analysis(analysis_id))

    async def _chunks(
        self, call: Call, response: httpx.Response, attempts: int
    ) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx.RequestError as exc:
            self._broken_stream(call, exc, attempts)

    async def _call(self, call: Call[T]) -> T:
        response, attempts = await self._send(call)
        return self._result(call, response, attempts)

    async def _send(self, call: Call, *, stream: bool = False) -> tuple[httpx.Response, int]:
        started, attempt = self._clock(), 0
        while True:
            attempt += 1
            outcome = await self._attempt(call, started, stream)
            if isinstance(outcome, httpx.Response):
                return outcome, attempt
            delay = self._next_delay(outcome, attempt, started)
            if delay is None:
                self._fail(call, outcome, attempt)
            await self._sleep(delay)

    async def _attempt(
        self, call: Call, started: float, stream: bool
    ) -> httpx.Response | KallglotError:
        request = self._request(self._http, call, started)
        try:
            response = await self._http.send(request, stream=stream)
            self._seen(response)
            if response.is_success:
                return response
            try:
                await response.aread()
            finally:
                await response.aclose()
        except httpx.RequestError as exc:
            return error_from_exception(exc)
        return self._error(response)
