"""The Supervisors group: sees and acts on every session, in the app and in the admin."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = (
    "supervise_sessions",
    "view_callsession",
    "change_callsession",
    "view_sessionevent",
    "view_webhookevent",
    "change_webhookevent",
    "view_recording",
    "view_analysis",
    "view_transcriptturn",
)


def create_group(apps, schema_editor):
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
    dependencies = [
        ("sessions_app", "0002_after_call"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
