"""URLconf of the stand-alone sandbox (`manage.py runsandbox`): the REST API at /v1/ only."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("v1/", include("kallglot_sandbox.urls"))]
