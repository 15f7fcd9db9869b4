"""Parse and validate what the browser sends; every problem becomes a 400 ApiError."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from sessions_app import jsonin, languages, phone, routes
from sessions_app.errors import ApiError
from sessions_app.models import CallSession, Route

CRM_FIELDS = ("external_call_id", "customer_id", "ticket_id")
METADATA_MAX_KEYS = 20
METADATA_MAX_VALUE = 500
METADATA_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")
ANALYSIS_PARTS = ("summary", "sentiment", "compliance", "keywords", "performance")


@dataclass(frozen=True)
class SessionRequest:
    mode: str
    source_language: str
    target_language: str
    metadata: dict[str, str]
    route: Route | None = None
    dial: str = ""  # an outbound line's customer number, E.164


def parse_json(raw: bytes) -> dict:
    try:
        body = jsonin.load(raw or b"{}", max_bytes=settings.API_MAX_BODY_BYTES)
    except ValueError as exc:  # UnicodeDecodeError too
        message = f"The request body is not valid JSON ({exc})."
        raise ApiError(400, "invalid_json", message) from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    return body


def parse_session_request(body: dict) -> SessionRequest:
    """A call's request; its route's languages stand in for the ones it leaves out."""
    route = parse_route(body.get("route"))
    source = parse_language(body.get("source_language"), "source_language")
    target = parse_language(body.get("target_language"), "target_language")
    return SessionRequest(
        mode=parse_mode(body.get("mode")),
        source_language=source or (route.agent_language if route else ""),
        target_language=target or (route.customer_language if route else ""),
        metadata=parse_metadata(body.get("metadata")),
        route=route,
        dial=parse_dial(body.get("dial"), route),
    )


def parse_dial(value: object, route: Route | None) -> str:
    """The number an outbound line dials, in E.164 (typed without a code: the line's country)."""
    if not routes.dials(route):
        if value in (None, ""):
            return ""
        message = "This route cannot dial out. Choose an outbound line."
        raise ApiError(400, "route_cannot_dial", message, "route")
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "missing_number", "Type the customer's number to dial.", "dial")
    try:
        return phone.to_e164(value.strip()[:40], routes.dial_region(route))
    except ValidationError as exc:
        raise ApiError(400, "invalid_number", exc.messages[0], "dial") from None


def parse_route(value: object) -> Route | None:
    """The route named by id or label; without one, the default route (if there is one)."""
    if value in (None, ""):
        return routes.default_route()
    route = routes.find_route(value)
    if route is None:
        message = f"There is no active route “{str(value)[:80]}”. Choose one the console offers."
        raise ApiError(400, "invalid_route", message, "route")
    return route


def parse_mode(value: object) -> str:
    if value in CallSession.Mode.values:
        return str(value)
    choices = ", ".join(CallSession.Mode.values)
    raise ApiError(400, "invalid_mode", f"Choose a mode: one of {choices}.", "mode")


def parse_language(value: object, param: str) -> str:
    """A language code from the configured list, or "" for auto-detect."""
    if value in (None, ""):
        return ""
    if isinstance(value, str) and languages.is_offered(value):
        return value
    raise ApiError(400, "invalid_language", f"'{value}' is not a language we offer.", param)


def parse_metadata(value: object) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, "invalid_metadata", "Metadata must be an object.", "metadata")
    if len(value) > METADATA_MAX_KEYS:
        message = f"Metadata may have at most {METADATA_MAX_KEYS} keys."
        raise ApiError(400, "invalid_metadata", message, "metadata")
    for key, item in value.items():
        check_metadata_item(key, item)
    return {key: item for key, item in value.items() if item != ""}


def check_metadata_item(key: str, item: object) -> None:
    if not METADATA_KEY.match(key):
        message = "Metadata keys are 1-40 letters, digits, '_', '.' or '-'."
        raise ApiError(400, "invalid_metadata", message, f"metadata.{key[:40]}")
    if not isinstance(item, str) or len(item) > METADATA_MAX_VALUE:
        message = f"Metadata values are text of at most {METADATA_MAX_VALUE} characters."
        raise ApiError(400, "invalid_metadata", message, f"metadata.{key}")


def parse_idempotency_key(value: str | None) -> str:
    """The browser's per-click key, or a fresh one when it sent none."""
    if value is None:
        return uuid.uuid4().hex
    if not IDEMPOTENCY_KEY.match(value):
        message = "Idempotency-Key must be 1-100 visible ASCII characters."
        raise ApiError(400, "invalid_idempotency_key", message, "Idempotency-Key")
    return value


def parse_after(value: str | None) -> int:
    if value in (None, ""):
        return 0
    if value.isdigit() and len(value) < 10:
        return int(value)
    raise ApiError(400, "invalid_after", "'after' must be a whole number.", "after")


def parse_analysis_request(body: dict) -> tuple[str, list[str]]:
    """`{profile?, include?}` for a post-call analysis."""
    profile = body.get("profile") or settings.ANALYSIS_PROFILES[0]
    if profile not in settings.ANALYSIS_PROFILES:
        message = f"Choose a profile: one of {', '.join(settings.ANALYSIS_PROFILES)}."
        raise ApiError(400, "invalid_profile", message, "profile")
    include = body.get("include") or []
    if not isinstance(include, list) or any(part not in ANALYSIS_PARTS for part in include):
        message = f"include lists parts from: {', '.join(ANALYSIS_PARTS)}."
        raise ApiError(400, "invalid_include", message, "include")
    return profile, include
