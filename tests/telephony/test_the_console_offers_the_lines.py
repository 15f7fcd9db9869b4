"""The console offers the active routes (the default first and chosen), names the CRM's
choice, and says in sandbox mode that the customer and captions are simulated."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import Route
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def config(page: str) -> dict:
    start = page.index('id="console-config"')
    return json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])


def test_it_offers_the_active_routes_with_the_default_marked(alice):
    Route.objects.create(label="Berlin", kind="managed_number", phone_number="+4930901820")
    Route.objects.create(label="Browser", is_default=True)
    Route.objects.create(label="Retired", kind="sip", is_active=False)

    page = client_for(alice).get("/?route=Berlin").content.decode()

    offered = config(page)["routes"]
    assert [(route["label"], route["default"]) for route in offered] == [
        ("Browser", True),
        ("Berlin", False),
    ]
    assert config(page)["prefill"]["route"] == "Berlin"


def test_sandbox_mode_says_the_customer_is_simulated(alice, settings):
    notice = "the customer are simulated"
    assert notice in client_for(alice).get("/").content.decode()

    settings.KALLGLOT_SANDBOX = False
    assert notice not in client_for(alice).get("/").content.decode()
