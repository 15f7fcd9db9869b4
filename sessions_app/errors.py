"""The JSON error envelope of the API (docs/architecture.md §3), and the handlers that use it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as html_csrf_failure

from sessions_app import exceptions


class ApiError(exceptions.CallError):
    """An error answered as `{"error": {code, message, param?}}` with an HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        param: str | None = None,
        retry_after: int | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(code, message, param=param, retry_after=retry_after)
        self.status = status
        self.extra = extra or {}

    def response(self) -> JsonResponse:
        args = (self.status, self.code, self.message, self.param, self.retry_after)
        return error_response(*args, self.extra)


# The HTTP status of each kind of domain error: the one place services' errors meet HTTP.
STATUSES: dict[type[exceptions.CallError], int] = {
    exceptions.LimitReached: 429,
    exceptions.CallEnded: 409,
    exceptions.Conflict: 409,
    exceptions.Refused: 400,
    exceptions.UpstreamGone: 404,
    exceptions.NoCredits: 402,
    exceptions.NotAllowed: 403,
    exceptions.Unavailable: 503,
    exceptions.UpstreamFailed: 502,
}


def api_error(exc: exceptions.CallError) -> ApiError:
    status = STATUSES.get(type(exc), 500)
    return ApiError(status, exc.code, exc.message, exc.param, exc.retry_after)


def error_response(
    status: int,
    code: str,
    message: str,
    param: str | None = None,
    retry_after: int | None = None,
    extra: dict | None = None,
) -> JsonResponse:
    """The envelope; `extra` adds what helps act on this error (a refusal's open calls)."""
    error = {"code": code, "message": message}
    if param:
        error["param"] = param
    error |= extra or {}
    response = JsonResponse({"error": error}, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/webhooks/"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return error_response(403, "csrf_failed", "The request was refused: reload the page.")
    return html_csrf_failure(request, reason=reason)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return error_response(404, "not_found", "Nothing is here.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return error_response(500, "server_error", "Something went wrong on our side.")
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request)
