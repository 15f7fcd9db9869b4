"""Times in the agent's own zone: their browser names it in the `tz` cookie
(static/js/timezone.js), the AgentTimezone middleware activates it; an unknown zone is UTC."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from sessions_app.middleware import AgentTimezone
from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def zone_for(cookie: str | None) -> str:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["tz"] = cookie
    seen = []
    middleware = AgentTimezone(lambda request: seen.append(timezone.get_current_timezone_name()))
    middleware(request)
    timezone.deactivate()
    return seen[0]


def test_it_activates_the_zone_the_browser_names():
    assert zone_for("Europe/Berlin") == "Europe/Berlin"


@pytest.mark.parametrize("cookie", [None, "", "Mars/Olympus_Mons", "../../etc/passwd", "x" * 300])
def test_an_unknown_zone_is_utc(cookie):
    assert zone_for(cookie) == "UTC"


def test_a_request_without_the_cookie_does_not_keep_an_earlier_zone():
    timezone.activate("Asia/Tokyo")
    assert zone_for(None) == "UTC"


def test_history_and_the_call_page_show_local_times_with_the_zone(alice):
    call = ended_call(alice)  # created 11:00 UTC on 26 March 2026 (CET, UTC+1)
    client = client_for(alice)
    client.cookies["tz"] = "Europe/Berlin"

    history = client.get("/sessions/?within=all").content.decode()
    detail = client.get(f"/sessions/{call.public_id}/").content.decode()

    assert "2026-03-26 12:00</a>" in history
    assert "(Europe/Berlin)" in history
    assert "2026-03-26 12:00:00 CET" in detail
    assert " UTC" not in detail


def test_the_consoles_open_calls_say_their_zone(alice):
    left = timezone.now() - timedelta(minutes=5)
    ended_call(alice, status="active", ended_at=None, created_at=left)
    ended_call(alice, status="active", ended_at=None, created_at=timezone.now())  # taken back
    client = client_for(alice)
    client.cookies["tz"] = "America/New_York"

    html = client.get("/").content.decode()

    start = html.index('id="open-calls"')
    listed = html[start : html.index("</section>", start)]
    assert " UTC" not in listed
    assert re.search(r"started \d\d:\d\d E[SD]T", listed)


def test_a_page_asks_the_browser_for_its_zone_until_it_has_named_one(alice):
    client = client_for(alice)
    assert "js/timezone.js" in client.get("/").content.decode()

    client.cookies["tz"] = "Europe/Berlin"
    assert "js/timezone.js" not in client.get("/").content.decode()
