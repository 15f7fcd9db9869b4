"""Shared fixtures: the cast of users, live Daphne servers."""

from __future__ import annotations

import os

# Sync Playwright tests drive the ORM from a thread that has an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
