"""Sign-in through Django auth's login page; the console requires it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

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


def test_an_agent_signed_out_in_another_tab_is_told_and_comes_back_to_the_same_console(
    browser: Browser, live_server_daphne: LiveServer, alice: object
) -> None:
    context = browser.new_context(
        permissions=["microphone"], viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    console_url = f"{live_server_daphne.url}/?target_language=es&ticket_id=T-77"
    try:
        page.goto(console_url)
        sign_in(page)
        page.wait_for_selector("#console[data-state=idle]")
        other_tab = context.new_page()
        other_tab.goto(f"{live_server_daphne.url}/sessions/")
        other_tab.get_by_role("button", name="Log out").click()
        # Signed out once the login page is up. The tab stays open: closing a page while its
        # navigation commits can hang Chromium's close forever (microsoft/playwright#42366).
        other_tab.wait_for_url("**/accounts/login/")

        page.get_by_role("button", name="Start call").click()

        page.wait_for_selector("#console[data-state=error]")
        assert "Reload the page to sign in again" in page.locator("#alert").inner_text()
        # Start offers what the message says, not a "Try again" that would fail the same way.
        page.get_by_role("button", name="Reload").click()
        page.wait_for_url("**/accounts/login/**")
        sign_in(page)
        page.wait_for_selector("#console[data-state=idle]")
        assert page.url == console_url
        assert page.locator("#target-language").input_value() == "es"
        assert page.locator("[data-metadata=ticket_id]").input_value() == "T-77"
    finally:
        context.close()


def sign_in(page: Page) -> None:
    assert "/accounts/login/?next=" in page.url
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
