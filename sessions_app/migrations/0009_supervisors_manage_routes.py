"""Supervisors administer the centre's telephony routes in the admin."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("view_route", "add_route", "change_route", "delete_route")


def grant(apps, schema_editor):
    config = apps.get_app_config("sessions_app")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Supervisors")
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="sessions_app", codename__in=CODENAMES
    )
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0008_telephony_routes")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
