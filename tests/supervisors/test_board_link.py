"""Supervisors find the live board in the navigation; agents are not offered it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a href="/supervisor/"( aria-current="page")?>Live board</a>')


def nav_link(user: object, path: str) -> re.Match | None:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return LINK.search(response.content.decode())


def test_it_offers_supervisors_the_board(charlie: object) -> None:
    link = nav_link(charlie, "/sessions/")
    assert link is not None
    assert link.group(1) is None


def test_it_marks_the_board_as_the_current_page(charlie: object) -> None:
    link = nav_link(charlie, "/supervisor/")
    assert link is not None
    assert link.group(1) == ' aria-current="page"'


def test_agents_are_not_offered_the_board(alice: object) -> None:
    assert nav_link(alice, "/") is None
    assert nav_link(alice, "/sessions/") is None


def test_a_supervisor_by_permission_alone_is_offered_it(bob: object) -> None:
    bob.user_permissions.add(Permission.objects.get(codename="supervise_sessions"))
    assert nav_link(bob, "/") is not None
