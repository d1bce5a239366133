# The hearings' permissions, each granted to the group that uses it (core.roles names them).

from django.db import migrations

from core.roles import EDITORS, GOVERNMENT, MODERATORS, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "hearings.hearingquestion",
        {
            "moderate_hearing": "Can run a hearing's live queue and close the hearing",
            "enter_question": "Can enter questions received by paper, phone, radio, WhatsApp or social media",
            "answer_question": "Can record the written answers to a hearing's questions",
        },
        {
            MODERATORS: ["moderate_hearing", "enter_question"],
            GOVERNMENT: ["enter_question", "answer_question"],
            EDITORS: ["answer_question"],
        },
    )
    grant(
        apps,
        "hearings.registration",
        {"manage_registration": "Can see a hearing's registrations and confirm its speakers"},
        {EDITORS: ["manage_registration"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
