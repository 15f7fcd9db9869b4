"""Failed sign-ins lock the account and the address out for a while (django-axes): the login
page says when to try again, the window releases them, and so does a supervisor in the admin."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client, username: str = "alice", password: str = PASSWORD, address: str = HOME):
    data = {"username": username, "password": password}
    return client.post("/accounts/login/", data, REMOTE_ADDR=address)


def fail_until_locked(client, username: str = "alice", address: str = HOME):
    """Wrong passwords up to the limit: each is refused as usual, the last one locks."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = sign_in(client, username, "not-the-password", address)
        assert refused.status_code == 200
        assert "correct username and password" in refused.content.decode()
    return sign_in(client, username, "not-the-password", address)


def assert_locked(response) -> None:
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-ins" in page
    assert 'name="username"' in page  # the login page, with the message on it
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_limit_comes_from_the_environment_with_a_safe_default():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_it_locks_the_account_and_says_when_to_try_again(client, alice):
    locked = fail_until_locked(client)

    assert_locked(locked)
    attempt = AccessAttempt.objects.get(username="alice")
    retry_at = attempt.attempt_time + settings.AXES_COOLOFF_TIME
    assert f"Try again after {retry_at:%H:%M} UTC (in 15" in locked.content.decode()
    assert 14 * 60 <= int(locked["Retry-After"]) <= 15 * 60


def test_the_right_password_is_refused_while_locked(client, alice):
    fail_until_locked(client)

    assert_locked(sign_in(client))
    assert_locked(sign_in(client, address=ELSEWHERE))  # the account is locked everywhere


def test_it_locks_the_address_whatever_the_username(client, alice, bob):
    for username in ("alice", "carol", "dave", "erin", "frank")[: settings.AXES_FAILURE_LIMIT]:
        last = sign_in(client, username, "not-the-password")

    assert_locked(last)
    assert_locked(sign_in(client, "bob"))
    assert sign_in(client, "bob", address=ELSEWHERE).status_code == 302


def test_a_success_forgets_earlier_failures(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, password="not-the-password")
    assert sign_in(client).status_code == 302
    client.logout()

    assert sign_in(client, password="not-the-password").status_code == 200
    assert sign_in(client).status_code == 302


def test_signing_in_as_oneself_keeps_the_guesses_at_someone_else(client, alice, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "not-the-password")
    assert sign_in(client, "bob").status_code == 302
    client.logout()

    assert_locked(sign_in(client, "alice", "not-the-password"))


def test_the_window_releases_the_lock(client, alice):
    fail_until_locked(client)
    past = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)

    assert sign_in(client).status_code == 302


def test_a_supervisor_releases_the_lock_by_deleting_the_attempts_in_the_admin(
    client, alice, charlie
):
    fail_until_locked(client)
    supervisor = client_for(charlie)

    listed = supervisor.get("/admin/axes/accessattempt/?q=alice")
    assert listed.status_code == 200
    [attempt] = listed.context["cl"].result_list
    deleted = supervisor.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert deleted.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client).status_code == 302


def test_an_agent_cannot_see_the_attempts(client, alice, bob):
    fail_until_locked(client)

    response = client_for(bob).get("/admin/axes/accessattempt/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_signed_in_users_keep_working_from_a_locked_address(client, alice, bob):
    fail_until_locked(client, username="alice")

    response = client_for(bob).get(f"/api/sessions/{uuid.uuid4()}", REMOTE_ADDR=HOME)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
