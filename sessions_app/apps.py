from __future__ import annotations

from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Call sessions"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from sessions_app import tickets

        # Tickets die with the sign-in that issued them; the sign-out view is Django's own.
        user_logged_out.connect(tickets.end_sign_in, dispatch_uid="sessions_app.tickets")
