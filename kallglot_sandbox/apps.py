from __future__ import annotations

from django.apps import AppConfig


class KallglotSandboxConfig(AppConfig):
    name = "kallglot_sandbox"
    verbose_name = "Kallglot sandbox"
