"""The one error type of the Kallglot boundary, and how upstream failures become it.

Every failure — an error envelope (CURRENT or LEGACY), a proxy's HTML page, an empty
body, a refused connection, a timeout, a response that does not parse — ends up as a
`KallglotError` whose `str()` can be shown to an agent. Secrets never reach it: every
text field is scrubbed of the API key and of anything shaped like a key or token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import httpx

from sessions_app.kallglot.retry import retry_after_from

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503})
MAX_MESSAGE_LENGTH = 300
REDACTED = "[redacted]"

# Anything that looks like a Kallglot API key, stream token, webhook secret or bearer token.
_SECRET_PATTERN = re.compile(
    r"(?:sk|kst|whsec)_[A-Za-z0-9_\-]+|bearer\s+[^\s\"',;]+",
    re.IGNORECASE,
)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]+")

_GENERIC_MESSAGES = {
    "network_error": "Could not reach the translation service.",
    "timeout": "The translation service did not answer in time.",
    "invalid_response": "The translation service sent a response that could not be read.",
    "rate_limit_exceeded": "The translation service is busy. Please try again shortly.",
    "bad_gateway": "The translation service is temporarily unavailable.",
    "upstream_error": "The translation service returned an unexpected error.",
}


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given secrets, key- or token-shaped words and control characters."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _SECRET_PATTERN.sub(REDACTED, text)
    return _CONTROL_CHARS.sub(" ", text).strip()


def clean(value: object, secrets: Iterable[str] = ()) -> str | None:
    """A scrubbed, shortened text field from upstream; None when nothing is left."""
    if value is None:
        return None
    return scrub(str(value), secrets)[:MAX_MESSAGE_LENGTH] or None


class KallglotError(Exception):
    """A failed call to Kallglot. Branch on `status` and `code`, never on `type`."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "upstream_error",
        type: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
        retryable: bool = False,
        secrets: Iterable[str] = (),
    ) -> None:
        secrets = tuple(secrets)
        self.message = clean(message, secrets) or _GENERIC_MESSAGES["upstream_error"]
        self.status = status
        self.code = clean(code, secrets) or "upstream_error"
        self.type = clean(type, secrets)
        self.param = clean(param, secrets)
        self.request_id = clean(request_id, secrets)
        self.retry_after = retry_after
        self.retryable = retryable
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (reference {self.request_id})"
        return self.message

    def __repr__(self) -> str:
        return (
            f"KallglotError(status={self.status!r}, code={self.code!r}, "
            f"request_id={self.request_id!r}, retryable={self.retryable!r}, "
            f"message={self.message!r})"
        )

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.message, self.__dict__.copy()))


def _rebuild(message: str, state: dict) -> KallglotError:
    error = KallglotError(message)
    error.__dict__.update(state)
    return error


def invalid_response(param: str | None = None) -> KallglotError:
    """A 2xx answer that breaks what the product relies on (missing id, wrong prefix, …)."""
    return KallglotError(
        _GENERIC_MESSAGES["invalid_response"], code="invalid_response", param=param
    )


def error_from_exception(exc: httpx.RequestError) -> KallglotError:
    """A connect error, timeout or broken exchange; the exception text is not used."""
    code = "timeout" if isinstance(exc, httpx.TimeoutException) else "network_error"
    retryable = isinstance(exc, httpx.TimeoutException | httpx.NetworkError)
    retryable = retryable or isinstance(exc, httpx.RemoteProtocolError)
    return KallglotError(_GENERIC_MESSAGES[code], code=code, retryable=retryable)


def error_from_response(
    response: httpx.Response, *, wall_now: float, secrets: Iterable[str] = ()
) -> KallglotError:
    """The error a non-2xx response stands for. The body must already have been read."""
    envelope = _envelope(response)
    status = response.status_code
    code = _fallback_code(status)
    message = _GENERIC_MESSAGES[code]
    if envelope is not None:
        code = str(envelope.get("code") or code)
        message = str(envelope.get("message") or message)
    retry_after = retry_after_from(response.headers, envelope, status, wall_now)
    return KallglotError(
        message,
        status=status,
        code=code,
        type=_field(envelope, "type"),
        param=_field(envelope, "param"),
        request_id=_field(envelope, "request_id") or response.headers.get("x-request-id"),
        retry_after=retry_after,
        retryable=is_retryable(status, code),
        secrets=secrets,
    )


def is_retryable(status: int, code: str) -> bool:
    return status in RETRYABLE_STATUSES or (status == 409 and code == "idempotency_conflict")


def _envelope(response: httpx.Response) -> dict | None:
    """The `error` object of a CURRENT or LEGACY envelope, or None for anything else."""
    if "json" not in response.headers.get("content-type", "json"):
        return None
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def _field(envelope: dict | None, name: str) -> str | None:
    value = envelope.get(name) if envelope else None
    return value if isinstance(value, str) and value else None


def _fallback_code(status: int) -> str:
    if status == 429:
        return "rate_limit_exceeded"
    if status in (502, 503, 504):
        return "bad_gateway"
    return "upstream_error"
