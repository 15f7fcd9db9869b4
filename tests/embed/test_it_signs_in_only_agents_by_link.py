"""A signed embed link signs in agents only: staff, superusers and supervisors sign in on the
login page, unless EMBED_ALLOWED_STAFF names them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from tests.conftest import make_user
from tests.embed.helpers import SECRET, link

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def embedding(settings):
    settings.EMBED_SIGNING_SECRET = SECRET
    settings.EMBED_CREATE_AGENTS = False
    settings.EMBED_ALLOWED_STAFF = []


def staff_member(kind: str) -> object:
    user = make_user("dora")
    if kind == "staff":
        user.is_staff = True
    elif kind == "superuser":
        user.is_staff = user.is_superuser = True
    elif kind == "supervisors group":
        user.groups.add(Group.objects.get_or_create(name="Supervisors")[0])
    elif kind == "supervise permission":
        user.user_permissions.add(Permission.objects.get(codename="supervise_sessions"))
    user.save()
    return user


def assert_refused(client, response) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "sign in agents only" in page
    assert 'href="/accounts/login/"' in page
    assert "_auth_user_id" not in client.session


def test_an_agent_is_signed_in(client, alice):
    assert client.get(link("alice")).status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


KINDS = ["staff", "superuser", "supervisors group", "supervise permission"]


@pytest.mark.parametrize("kind", KINDS)
def test_staff_and_supervisors_are_refused(client, kind):
    staff_member(kind)

    assert_refused(client, client.get(link("dora")))


def test_a_supervisor_is_refused(client, charlie):
    assert_refused(client, client.get(link("charlie")))


def test_staff_named_in_the_setting_are_signed_in(client, charlie, settings):
    settings.EMBED_ALLOWED_STAFF = ["charlie"]

    assert client.get(link("charlie")).status_code == 302
    assert client.session["_auth_user_id"] == str(charlie.pk)


def test_the_setting_names_exact_usernames(client, charlie, settings):
    settings.EMBED_ALLOWED_STAFF = ["Charlie", "charli", ""]

    assert_refused(client, client.get(link("charlie")))
