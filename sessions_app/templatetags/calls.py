"""How pages write a call's figures: its length, an analysis score.

The same formats are written in JavaScript by static/js/duration.js and static/js/detail.js,
so a call reads alike on every page, rendered by the server or live.
"""

from __future__ import annotations

import math

from django import template

register = template.Library()
UNKNOWN = "\u2013"  # the en dash the pages write for a missing value


@register.filter
def duration(seconds: float | None) -> str:
    """A call's length as "m:ss", or "h:mm:ss" from an hour on; a dash when unknown."""
    if seconds is None:
        return UNKNOWN
    total = max(0, math.floor(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


@register.filter
def score(value: object) -> str:
    """An analysis score out of 100.

    Kallglot's documented performance score is a fraction from 0 to 1 ({"score": 0.86} in
    its analysis reference), so 0.86 reads "86 / 100"; a value outside that range is shown
    as it came.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if 0 <= value <= 1:
        return f"{math.floor(value * 100 + 0.5)} / 100"  # rounds as JS Math.round does
    return str(value)
