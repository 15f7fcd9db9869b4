"""The error envelope of kallglot-api.md §1.10 (CURRENT): `{"error": {type, code, ...}}`."""

from __future__ import annotations

from typing import Any

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "permission_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    416: "invalid_request_error",
    422: "validation_error",
    429: "rate_limit_error",
}

# Codes used when an injected fault names only a status.
DEFAULT_CODES = {
    400: "invalid_request",
    401: "invalid_api_key",
    402: "insufficient_api_credits",
    403: "organization_inactive",
    404: "resource_not_found",
    409: "idempotency_conflict",
    422: "invalid_request",
    429: "rate_limit_exceeded",
    500: "internal_error",
    502: "upstream_error",
    503: "service_unavailable",
}


def default_type(status: int) -> str:
    return _TYPES.get(status, "api_error")


class ApiError(Exception):
    """An error answered with the envelope; raised anywhere below a REST view."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        type: str | None = None,
        param: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.type = type or default_type(status)
        self.param = param
        self.retry_after = retry_after

    def envelope(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {
            "type": self.type,
            "code": self.code,
            "message": self.message,
            "param": self.param,
            "request_id": request_id,
        }
        if self.retry_after is not None:
            error["retry_after"] = self.retry_after
        return {"error": error}


def not_found(what: str, param: str = "id") -> ApiError:
    """G5: unknown ids are 404 `resource_not_found` with `param: "id"`."""
    return ApiError(404, "resource_not_found", f"No such {what}.", param=param)


def invalid(message: str, param: str | None = None, code: str = "invalid_request") -> ApiError:
    """A 400 validation failure, typed `validation_error` as the docs' examples show."""
    return ApiError(400, code, message, type="validation_error", param=param)
