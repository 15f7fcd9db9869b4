"""Refused embed links (bad signature, expired, reused, malformed) count as failed sign-ins of
their address, and no link signs anyone in while its address or its account is locked out."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.embed.helpers import SECRET, link

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture(autouse=True)
def embedding(settings):
    settings.EMBED_SIGNING_SECRET = SECRET
    settings.EMBED_CREATE_AGENTS = False


def open_link(client, path: str, address: str = HOME):
    return client.get(path, REMOTE_ADDR=address)


def forged(agent: str = "alice") -> str:
    return link(agent, secret="not-the-secret")


def assert_locked(client, response) -> None:
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again after" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_forged_links_lock_the_address_out(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert open_link(client, forged()).status_code == 403

    assert_locked(client, open_link(client, forged()))
    assert_locked(client, open_link(client, link("alice")))
    assert open_link(client, link("alice"), ELSEWHERE).status_code == 302


@pytest.mark.parametrize(
    "refused",
    [
        lambda: forged(),
        lambda: link("alice", now=time.time() - 301),  # expired
        lambda: link("alice").replace("v=1", "v=9"),  # malformed
    ],
    ids=["forged", "expired", "malformed"],
)
def test_every_kind_of_refused_link_counts(client, alice, refused):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = open_link(client, refused())

    assert_locked(client, last)


def test_replayed_links_count(client, alice):
    used = link("alice")
    assert open_link(client, used).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = open_link(client, used)

    assert_locked(client, last)


def test_a_locked_address_cannot_sign_in_with_a_password_either(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        open_link(client, forged())

    data = {"username": "alice", "password": PASSWORD}
    response = client.post("/accounts/login/", data, REMOTE_ADDR=HOME)

    assert_locked(client, response)


def test_refused_links_do_not_lock_the_account_they_name(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        open_link(client, forged("alice"))

    assert open_link(client, link("alice"), ELSEWHERE).status_code == 302


def test_an_account_locked_by_wrong_passwords_gets_no_link_sign_in(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR=ELSEWHERE
        )

    assert_locked(client, open_link(client, link("alice")))


def test_links_refused_for_the_account_are_not_counted(client, charlie):
    for agent in ["dora"] * settings.AXES_FAILURE_LIMIT + ["charlie"]:
        assert open_link(client, link(agent)).status_code == 403  # unknown; a supervisor

    settings.EMBED_ALLOWED_STAFF = ["charlie"]
    assert open_link(client, link("charlie")).status_code == 302
