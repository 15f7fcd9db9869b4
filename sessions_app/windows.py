"""How far back a list of calls looks: the "Date" filter of History and of the admin.

A list opens on the last 30 days, so a page of a year of calls reads what a person expects to
see first; a search or dates widen it to any time (they name the calls they want)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

# Each window's words and how many days back it goes (0: since midnight; None: any time).
WINDOWS = {
    "today": ("Today", 0),
    "7d": ("Last 7 days", 7),
    "30d": ("Last 30 days", 30),
    "all": ("Any time", None),
}
DEFAULT = "30d"
ANY_TIME = "all"


def start(key: str) -> datetime | None:
    """When the window begins: local midnight for today; None for any time."""
    days = WINDOWS[key][1]
    if days is None:
        return None
    if days == 0:
        return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return timezone.now() - timedelta(days=days)


def label(key: str) -> str:
    return WINDOWS[key][0]
