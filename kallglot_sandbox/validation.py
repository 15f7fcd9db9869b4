"""Request validation for the sandbox's POST bodies and list parameters.

The rules the docs leave open are the [suggested] ones of kallglot-api.md §6.2: G2 (top-level
`provider` rejected, unknown keys ignored), G3 (metadata ≤ 50 keys, string values ≤ 500
characters) and G4 (the §5.1 language whitelist). The route is resolved last, once the rest of
the body is known to be valid (telephony.py, G23).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kallglot_sandbox import telephony
from kallglot_sandbox.analysis import INCLUDE_CHOICES
from kallglot_sandbox.errors import invalid
from kallglot_sandbox.state import Route

MODES = ("bidirectional_translation", "assistive_translation", "ai_agent", "help_chat_voice")
# fmt: off
LANGUAGES = frozenset((
    "en", "de", "es", "fr", "it", "pt", "nl", "pl", "sv", "da", "fi", "no", "cs",
    "el", "ro", "hu", "tr", "ru", "uk", "ar", "he", "hi", "zh", "ja", "ko",
))
# fmt: on
METADATA_MAX_KEYS = 50
METADATA_MAX_VALUE = 500


@dataclass(frozen=True)
class NewSession:
    mode: str
    source_language: str | None
    target_language: str | None
    recording_enabled: bool
    metadata: dict[str, str] | None
    route: Route


def new_session(body: dict[str, Any] | None) -> NewSession:
    body = body or {}
    if "provider" in body:
        raise invalid(
            "The top-level 'provider' object is not part of the API; use 'routing'.", "provider"
        )
    _check_object(body, "routing")
    _check_object(body, "ai_agent")
    return NewSession(
        mode=_mode(body.get("mode")),
        source_language=_language(body, "source_language"),
        target_language=_language(body, "target_language"),
        recording_enabled=_recording(body.get("recording")),
        metadata=_metadata(body.get("metadata")),
        route=telephony.resolve(body.get("routing")),
    )


def _mode(value: Any) -> str:
    if value is None:
        raise invalid("The 'mode' field is required.", "mode")
    if value not in MODES:
        raise invalid(f"'mode' must be one of: {', '.join(MODES)}.", "mode")
    return value


def _language(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or value not in LANGUAGES:
        message = f"'{field}' is not a supported language code."
        raise invalid(message, field, "invalid_language_code")
    return value


def _recording(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, dict) or not isinstance(value.get("enabled", False), bool):
        raise invalid("'recording' must be an object like {\"enabled\": true}.", "recording")
    return value.get("enabled", False)


def _metadata(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("'metadata' must be an object.", "metadata")
    if len(value) > METADATA_MAX_KEYS:
        raise invalid(f"'metadata' may have at most {METADATA_MAX_KEYS} keys.", "metadata")
    for item in value.values():
        if not isinstance(item, str) or len(item) > METADATA_MAX_VALUE:
            raise invalid(
                f"Metadata values must be strings of at most {METADATA_MAX_VALUE} characters.",
                "metadata",
            )
    return dict(value)


def _check_object(body: dict[str, Any], field: str) -> None:
    """It has to be an object (§2.2, §5.2); `ai_agent` is otherwise ignored."""
    if field in body and body[field] is not None and not isinstance(body[field], dict):
        raise invalid(f"'{field}' must be an object.", field)


def analysis_request(body: dict[str, Any] | None) -> tuple[str, list[str]]:
    """`{profile?, include?}` (§2.9): the profile and the requested result fields."""
    body = body or {}
    profile = body.get("profile", "default")
    if not isinstance(profile, str) or not profile:
        raise invalid("'profile' must be a non-empty string.", "profile")
    include = body.get("include", [])
    if not isinstance(include, list) or any(item not in INCLUDE_CHOICES for item in include):
        raise invalid(f"'include' items must be among: {', '.join(INCLUDE_CHOICES)}.", "include")
    return profile, list(dict.fromkeys(include))


def list_limit(raw: str | None) -> int:
    """§1.5 cursor lists: `limit` 1-100, default 20."""
    if raw is None:
        return 20
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise invalid("'limit' must be an integer between 1 and 100.", "limit")
    return int(raw)
