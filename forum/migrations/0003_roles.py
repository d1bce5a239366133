# Moderating topics (pin, lock, move, hide) is the moderators' own permission; editors
# keep the forum's categories.

from django.db import migrations

from core.roles import EDITORS, MODERATORS, grant, revoke


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "forum.topic",
        {"moderate_topic": "Can pin, lock, move and hide forum topics"},
        {MODERATORS: ["moderate_topic"]},
    )
    grant(
        apps,
        "forum.forumcategory",
        {"add_forumcategory": "Can add forum category", "change_forumcategory": "Can change forum category"},
        {EDITORS: ["add_forumcategory", "change_forumcategory"]},
    )
    revoke(apps, "forum.topic", ["change_topic"], [EDITORS, MODERATORS])


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0002_territory_in_core"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="topic",
            options={
                "ordering": ["-pinned", "-last_activity_at", "-pk"],
                "permissions": [("moderate_topic", "Can pin, lock, move and hide forum topics")],
                "verbose_name": "forum topic",
            },
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
