"""demo_users (run by bin/serve) prints the logins and the URLs to sign in at."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_prints_the_console_and_the_board_at_the_apps_address(settings):
    settings.APP_BASE_URL = "http://127.0.0.1:8123"
    out = io.StringIO()

    call_command("demo_users", stdout=out)

    lines = out.getvalue().splitlines()
    assert "console: http://127.0.0.1:8123/  (agents)" in lines
    assert "board: http://127.0.0.1:8123/supervisor/  (supervisors)" in lines
    assert any(line.startswith("demo login: supervisor / ") for line in lines)
