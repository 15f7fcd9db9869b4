"""/embed/start: a signed, expiring, single-use link signs an agent in inside the iframe."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from sessions_app import embed_link
from tests.embed.helpers import SECRET, link, params_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def embedding(settings):
    settings.EMBED_SIGNING_SECRET = SECRET
    settings.EMBED_CREATE_AGENTS = False


def test_a_valid_link_signs_the_agent_in_and_opens_the_console_with_context(client, alice):
    context = {"external_call_id": "call-9", "mode": "assistive_translation", "ticket_id": "T1"}

    response = client.get(link(context=context))

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/"
    assert params_of(response["Location"]) == {"embed": "1"} | context
    assert client.get("/").status_code == 200
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_link_works_only_once(client, alice):
    path = link()
    client.get(path)
    client.logout()

    replay = client.get(path)

    assert replay.status_code == 403
    assert "already used" in replay.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        (lambda p: p | {"agent": "bob"}, 403, "not valid"),
        (lambda p: p | {"external_call_id": "other"}, 403, "not valid"),
        (lambda p: {k: v for k, v in p.items() if k != "sig"}, 400, "incomplete"),
        (lambda p: {k: v for k, v in p.items() if k != "nonce"}, 400, "incomplete"),
        (lambda p: p | {"evil": "1"}, 400, "incomplete"),
        (lambda p: p | {"sig": "0" * 64}, 403, "not valid"),
    ],
)
def test_a_tampered_link_is_refused(client, alice, bob, change, status, words):
    params = change(params_of(link(context={"external_call_id": "call-9"})))
    query = "&".join(f"{k}={v}" for k, v in params.items())

    response = client.get(f"/embed/start?{query}")

    assert response.status_code == status
    assert words in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_link_is_refused(client, alice):
    response = client.get(link(now=time.time() - 301))

    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_a_link_valid_for_more_than_five_minutes_is_refused(client, alice):
    params = params_of(link())
    params["exp"] = str(int(time.time()) + 3600)
    params["sig"] = embed_link.sign(params, SECRET)

    response = client.get("/embed/start", params)

    assert response.status_code == 403


def test_a_link_signed_with_another_secret_is_refused(client, alice):
    assert client.get(link(secret="not-the-secret")).status_code == 403


def test_an_unknown_agent_is_refused_unless_agents_may_be_created(client, settings):
    assert client.get(link(agent="dora")).status_code == 403
    assert not get_user_model().objects.filter(username="dora").exists()

    settings.EMBED_CREATE_AGENTS = True
    assert client.get(link(agent="dora", name="Dora")).status_code == 302
    dora = get_user_model().objects.get(username="dora")
    assert (dora.first_name, dora.is_staff, dora.has_usable_password()) == ("Dora", False, False)


def test_an_inactive_agent_is_refused(client, alice):
    alice.is_active = False
    alice.save()

    assert client.get(link()).status_code == 403


def test_embedding_off_means_no_entry(client, alice, settings):
    settings.EMBED_SIGNING_SECRET = ""

    assert client.get(link()).status_code == 404
