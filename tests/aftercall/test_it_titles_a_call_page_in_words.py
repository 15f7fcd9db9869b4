"""A call's page is titled by who was on the line and when, not by an id."""

from __future__ import annotations

import pytest

from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def title(user, call) -> str:
    html = client_for(user).get(f"/sessions/{call.public_id}/").content.decode()
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_it_names_the_customer_and_the_time(alice):
    call = ended_call(alice, customer_number="+4930901820")

    assert title(alice, call) == "Call with +49 30 901820 · 26 Mar 11:00 · Kallglot"


def test_without_a_customer_number_it_names_the_agent(alice):
    assert title(alice, ended_call(alice)) == "Call taken by alice · 26 Mar 11:00 · Kallglot"


def test_the_time_is_the_agents_own(alice):
    call = ended_call(alice)
    client = client_for(alice)
    client.cookies["tz"] = "Asia/Tokyo"

    html = client.get(f"/sessions/{call.public_id}/").content.decode()

    assert "<title>Call taken by alice · 26 Mar 20:00 · Kallglot</title>" in html
    assert call.kallglot_id in html  # still there, below the title
