"""The admin's calls filter by language name; a call whose languages were left to Kallglot to
detect is listed as "Detected" (Django's own filter gave it a link without text)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/sessions_app/callsession/"


@pytest.fixture
def root(db):
    return client_for(get_user_model().objects.create_superuser("root", password="root-pass-1"))


def choices(response, title: str) -> dict[str, str]:
    spec = next(spec for spec in response.context["cl"].filter_specs if spec.title == title)
    return {c["display"]: c["query_string"] for c in spec.choices(response.context["cl"])}


def test_it_names_each_language_and_the_detected_ones(root, alice) -> None:
    detected = ended_call(alice, source_language="", target_language="")
    spanish = ended_call(alice, source_language="en", target_language="es")

    response = root.get(CHANGELIST)

    offered = choices(response, "customer's language")
    assert all(name.strip() for name in offered)  # no link without text (axe: link-name)
    assert offered["Detected"] == "?target_language=auto"
    assert offered["Spanish"] == "?target_language=es"
    assert "English" in choices(response, "agent's language")
    found = root.get(f"{CHANGELIST}?target_language=auto&within=all").context["cl"].result_list
    assert list(found) == [detected]
    found = root.get(f"{CHANGELIST}?target_language=es&within=all").context["cl"].result_list
    assert list(found) == [spanish]
