"""What the sync and the async client share: configuration, requests, errors, logging.

Both clients (`client.py`, `async_client.py`) hold one long-lived httpx client (pooled
connections, explicit timeouts) and run the same loop: send, turn any failure into a
`KallglotError`, ask the shared `RetryPolicy` how long to wait, sleep, send again with the
same Idempotency-Key. Only the sending and the sleeping differ, so everything else is here.
Each call that finally fails is logged once, without secrets.
"""

from __future__ import annotations

import json
import logging
import random as random_module
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

import httpx

from sessions_app.kallglot import status
from sessions_app.kallglot.endpoints import Call, Context
from sessions_app.kallglot.errors import (
    KallglotError,
    clean,
    error_from_exception,
    error_from_response,
    invalid_response,
)
from sessions_app.kallglot.retry import RetryPolicy

logger = logging.getLogger(__name__)

T = TypeVar("T")
USER_AGENT = "kallglot-agent-console/0.1"
AUDIO_HEADERS = (
    "content-type",
    "content-length",
    "content-range",
    "accept-ranges",
    "content-disposition",
)


@dataclass(frozen=True, slots=True)
class AudioStream:
    """A recording's audio as it arrives; `chunks` is read lazily from the socket."""

    status: int
    headers: dict[str, str]
    chunks: Iterator[bytes] | AsyncIterator[bytes]


class Core:
    """Everything both clients share: configuration, requests, errors, logging."""

    _http_class: type[httpx.Client] | type[httpx.AsyncClient]
    _default_sleep: Callable[[float], Any]

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        timeout_connect: float = 3.0,
        timeout_read: float = 10.0,
        max_attempts: int = 4,
        deadline: float = 20.0,
        backoff_base: float = 0.25,
        backoff_cap: float = 8.0,
        sleep: Callable[[float], Any] | None = None,
        clock: Callable[[], float] | None = None,
        wall_clock: Callable[[], float] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("A Kallglot API key is required.")
        self._api_key = api_key
        self.base_url = base_url.rstrip("/")
        url = httpx.URL(self.base_url)
        self._origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self._timeouts = (timeout_connect, timeout_read)
        self._policy = RetryPolicy(max_attempts, deadline, backoff_base, backoff_cap)
        self._clock = clock or time.monotonic
        self._wall_clock = wall_clock or time.time
        self._random = random or random_module.random
        self._sleep = sleep or type(self)._default_sleep
        self._http = self._http_class(**self._http_options(transport))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _http_options(
        self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None
    ) -> dict[str, Any]:
        connect, read = self._timeouts
        return {
            "base_url": self.base_url,
            "headers": {
                "Authorization": f"Bearer {self._api_key}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            "timeout": httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
            "limits": httpx.Limits(max_connections=100, max_keepalive_connections=20),
            "follow_redirects": False,
            "transport": transport,
        }

    def _request(
        self, http: httpx.Client | httpx.AsyncClient, call: Call, started: float
    ) -> httpx.Request:
        """The request for one attempt; its timeouts never reach past the deadline."""
        remaining = max(0.001, self._policy.deadline - (self._clock() - started))
        connect, read = (min(limit, remaining) for limit in self._timeouts)
        headers = dict(call.headers or {})
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        return http.build_request(
            call.method,
            call.path,
            params=call.params,
            json=call.json,
            headers=headers,
            timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
        )

    def _seen(self, response: httpx.Response) -> None:
        request_id = self._request_id(response)
        status.record_headers(response.headers, request_id=request_id, at=self._now())

    def _request_id(self, response: httpx.Response) -> str | None:
        """`X-Request-ID`, scrubbed: upstream could echo anything into a header."""
        return clean(response.headers.get("x-request-id"), (self._api_key,))

    def _error(self, response: httpx.Response) -> KallglotError:
        """The error of a non-2xx response whose body has been read."""
        wall_now = self._wall_clock()
        return error_from_response(response, wall_now=wall_now, secrets=(self._api_key,))

    def _next_delay(self, error: KallglotError, attempt: int, started: float) -> float | None:
        elapsed = self._clock() - started
        return self._policy.delay(error, attempt=attempt, elapsed=elapsed, random=self._random)

    def _fail(self, call: Call, error: KallglotError, attempts: int) -> NoReturn:
        logger.warning(
            "Kallglot %s %s failed after %d attempt(s): status=%s code=%s request_id=%s",
            call.method,
            call.path,
            attempts,
            error.status,
            error.code,
            error.request_id,
        )
        status.record_failure(error.code, error.status, error.request_id, self._now())
        raise error

    def _result(self, call: Call[T], response: httpx.Response, attempts: int) -> T:
        """The parsed answer of a 2xx response, or a logged `invalid_response` error."""
        request_id = self._request_id(response)
        try:
            return call.parse(_json(response), Context(request_id, self._origin))
        except KallglotError as error:
            error.status, error.request_id = response.status_code, request_id
            self._fail(call, error, attempts)

    def _check_audio(self, call: Call, response: httpx.Response, attempts: int) -> None:
        """Only 200 and 206 carry audio (the LEGACY 202 "processing" does not)."""
        if response.status_code not in (200, 206):
            error = invalid_response()
            error.status, error.request_id = response.status_code, self._request_id(response)
            self._fail(call, error, attempts)

    def _broken_stream(self, call: Call, exc: httpx.RequestError, attempts: int) -> NoReturn:
        """The audio stopped arriving half-way: not retried, the caller has passed bytes on."""
        self._fail(call, error_from_exception(exc), attempts)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._wall_clock(), UTC)


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise invalid_response() from None


def audio_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in AUDIO_HEADERS if name in response.headers}
