"""The app's URLs, and a view that calls Kallglot inside a transaction.

No product view does that today; this one holds a row lock while Kallglot answers, as a
service applying what upstream says would, so a test can prove that such a call completes
when the server is also the sandbox that answers it.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path

from kallglot_web.urls import handler404, handler500, urlpatterns
from sessions_app.kallglot import KallglotError, get_client
from sessions_app.models import CallSession

__all__ = ["handler404", "handler500", "urlpatterns"]


def atomic_call(request: HttpRequest, kallglot_id: str) -> JsonResponse:
    try:
        with transaction.atomic():
            CallSession.objects.select_for_update().get(kallglot_id=kallglot_id)
            upstream = get_client().get_session(kallglot_id)
    except KallglotError as exc:
        return JsonResponse({"error": exc.code}, status=502)
    return JsonResponse({"id": upstream.id, "status": upstream.status})


urlpatterns = [*urlpatterns, path("test/atomic-call/<str:kallglot_id>", atomic_call)]
