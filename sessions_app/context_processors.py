"""What every page's layout needs to know about the signed-in user: whether to offer the
supervisors' pages in the navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sessions_app.access import is_supervisor


def roles(request: HttpRequest) -> dict[str, object]:
    # Lazy: pages that never ask (the login page, JSON views) cost no query.
    return {"is_supervisor": SimpleLazyObject(lambda: is_supervisor(request.user))}
