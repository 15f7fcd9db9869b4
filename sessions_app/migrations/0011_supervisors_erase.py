"""Supervisors may erase a customer's data and see the erasures made (the audit trail)."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("add_erasurerecord", "view_erasurerecord")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
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
    dependencies = [("sessions_app", "0010_privacy")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
