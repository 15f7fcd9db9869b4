"""Supervisors manage the inbound desk in the admin: each route's queue, the dispositions, the
agents' languages; they see the inbound calls as the queues recorded them."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = (
    "view_queue",
    "add_queue",
    "change_queue",
    "delete_queue",
    "view_disposition",
    "add_disposition",
    "change_disposition",
    "delete_disposition",
    "view_agentprofile",
    "add_agentprofile",
    "change_agentprofile",
    "view_queuedcall",
)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    config = apps.get_app_config("sessions_app")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Supervisors")
    group.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Supervisors").first()
    if group is not None:
        group.permissions.remove(*permissions(apps))


def permissions(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="sessions_app", codename__in=CODENAMES
    )


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0013_inbound_queues")]

    operations = [migrations.RunPython(grant, revoke)]
