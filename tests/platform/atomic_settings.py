"""The app's settings with a URLconf that adds one test-only view (atomic_urls)."""

from kallglot_web.settings import *  # noqa: F403

ROOT_URLCONF = "tests.platform.atomic_urls"
