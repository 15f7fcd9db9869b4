"""After signing in, supervisors land on their board and agents on the console; a `next`
still wins."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, next_url: str = "") -> str:
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_a_supervisor_lands_on_the_board(client, charlie):
    assert sign_in(client, "charlie") == "/supervisor/"


def test_an_agent_lands_on_the_console(client, alice):
    assert sign_in(client, "alice") == "/"


def test_an_explicit_next_wins(client, charlie):
    assert sign_in(client, "charlie", "/sessions/") == "/sessions/"
