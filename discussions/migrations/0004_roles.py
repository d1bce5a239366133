# Moderating, responding and replying officially become three permissions, each for the
# group whose job it is; the shared "change contribution" is taken back.

from django.db import migrations

from core.roles import EDITORS, GOVERNMENT, MODERATORS, grant, revoke

PERMISSIONS = {
    "moderate_contribution": "Can approve or remove contributions",
    "respond_contribution": "Can record the government's response to a contribution",
    "reply_officially": "Can post the government's official reply",
}


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "discussions.contribution",
        PERMISSIONS,
        {
            MODERATORS: ["moderate_contribution"],
            EDITORS: ["respond_contribution"],
            GOVERNMENT: ["respond_contribution", "reply_officially"],
        },
    )
    revoke(apps, "discussions.contribution", ["change_contribution"], [EDITORS, MODERATORS, GOVERNMENT])


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0003_territory_in_core"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contribution",
            options={
                "permissions": list(PERMISSIONS.items()),
                "verbose_name": "contribution",
                "verbose_name_plural": "contributions",
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
