"""Language codes the console offers, with the names agents see."""

from __future__ import annotations

from django.conf import settings

NAMES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "fi": "Finnish",
    "no": "Norwegian",
    "cs": "Czech",
    "el": "Greek",
    "ro": "Romanian",
    "hu": "Hungarian",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "he": "Hebrew",
    "hi": "Hindi",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}


def name(code: str) -> str:
    """The language's name, or its code when the console has no name for it."""
    return NAMES.get(code, code)


def offered() -> list[dict[str, str]]:
    """The configured languages, as `{code, name}` in the configured order."""
    return [{"code": code, "name": name(code)} for code in settings.CONSOLE_LANGUAGES]


def is_offered(code: str) -> bool:
    return code in settings.CONSOLE_LANGUAGES
