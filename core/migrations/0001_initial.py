# Territory moves from the site app (cocrea) to core, the shared vocabulary. The table
# stays as it is here (state only); 0002 gives it core's name.

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="cocrea", model="territory").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="core", model="territory").update(app_label="cocrea")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cocrea", "0002_territories_and_locales"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Territory",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        ("slug", models.SlugField(max_length=120, unique=True, verbose_name="slug")),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                help_text="For Peru, the INEI ubigeo code.",
                                max_length=20,
                                verbose_name="official code",
                            ),
                        ),
                        ("region", models.CharField(blank=True, max_length=120, verbose_name="region")),
                        ("kind", models.CharField(default="province", max_length=40, verbose_name="kind")),
                    ],
                    options={
                        "verbose_name": "territory",
                        "verbose_name_plural": "territories",
                        "ordering": ["name"],
                        "db_table": "cocrea_territory",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
