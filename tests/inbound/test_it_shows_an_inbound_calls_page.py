"""An inbound call's page says who called, on which queue, how long they waited and how the
call went; a filed call's page shows its wrap-up. A missed call has no agent: its page is a
supervisor's only."""

from __future__ import annotations

import re

import pytest

from tests.aftercall.factories import ended_call
from tests.conftest import client_for
from tests.inbound.calls import filed, inbound_call, missed_call

pytestmark = pytest.mark.django_db


def page_of(client, session) -> str:
    response = client.get(f"/sessions/{session.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def fact(page: str, name: str) -> str:
    """The text of a fact on the page (`<dt>name</dt><dd>…</dd>`)."""
    start = page.index(f"<dt>{name}</dt><dd") + len(f"<dt>{name}</dt>")
    html = page[page.index(">", start) + 1 : page.index("</dd>", start)]
    return re.sub(r"<[^>]*>", "", html)


def test_a_missed_calls_page_shows_the_caller_the_queue_the_wait_and_why(charlie):
    call = missed_call("caller_hung_up", 42.0)

    page = page_of(client_for(charlie), call)

    assert fact(page, "Agent") == "—"
    assert fact(page, "Caller") == "+49 30 123456"
    assert fact(page, "Queue") == "German line"
    assert fact(page, "Waited") == "42 s"
    assert fact(page, "Outcome") == "Missed (caller hung up)"
    assert 'id="wrap-up"' not in page  # nobody took it, nobody files it


def test_an_agent_cannot_open_a_missed_call(alice):
    call = missed_call()

    assert client_for(alice).get(f"/sessions/{call.public_id}/").status_code == 404


def test_an_answered_calls_page_shows_its_wrap_up(alice):
    call = filed(inbound_call(alice, waited=8), "Billing question", "Wants a refund.\nCall back.")

    page = page_of(client_for(alice), call)

    assert fact(page, "Outcome") == "Answered after 8 s"
    assert fact(page, "Waited") == "8 s"
    assert fact(page, "Disposition") == "Billing question"
    assert fact(page, "Note") == "Wants a refund.\nCall back."
    assert "<dt>twilio_call_sid</dt>" not in page


def test_a_call_not_filed_says_so(alice):
    page = page_of(client_for(alice), ended_call(alice))

    assert '<p class="empty" id="wrap-up">Not filed.</p>' in page
    assert "<dt>Caller</dt>" not in page


def test_an_unknown_caller(charlie):
    page = page_of(client_for(charlie), missed_call(caller=""))

    assert fact(page, "Caller") == "Unknown number"
