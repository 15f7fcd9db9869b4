"""Sign-in through Django auth's login page; the console requires it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.conftest import PASSWORD, LiveServer

pytestmark = pytest.mark.e2e


def test_it_signs_an_agent_in_through_the_login_page(
    browser: Browser, live_server_daphne: LiveServer, alice: object
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{live_server_daphne.url}/")
        assert page.url == f"{live_server_daphne.url}/accounts/login/?next=/"

        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.wait_for_selector("#console[data-state=idle]")
        assert page.url == f"{live_server_daphne.url}/"
        assert page.locator(".account__name").inner_text() == "alice"
        assert page.get_by_role("button", name="Start call").is_enabled()
    finally:
        context.close()


def test_it_rejects_a_wrong_password_with_a_message(
    browser: Browser, live_server_daphne: LiveServer, alice: object
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{live_server_daphne.url}/accounts/login/?next=/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("not-her-password")
        page.get_by_role("button", name="Sign in").click()

        assert "correct username and password" in page.get_by_role("alert").inner_text()
        assert page.get_by_label("Username").input_value() == "alice"
        assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
        assert page.locator("#console").count() == 0
    finally:
        context.close()
