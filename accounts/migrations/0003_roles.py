# Suspending a participant is the moderators' permission (it was implied by changing
# contributions, which editors and government staff also held).

from django.db import migrations

from core.roles import MODERATORS, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "accounts.participant",
        {"suspend_participant": "Can suspend a participant"},
        {MODERATORS: ["suspend_participant"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_territory_in_core"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="participant",
            options={
                "permissions": [("suspend_participant", "Can suspend a participant")],
                "verbose_name": "participant",
                "verbose_name_plural": "participants",
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
