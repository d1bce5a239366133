# Territory now lives in core (see core/migrations/0001_initial.py): the same table, so
# only the migration state changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="topic",
                    name="author_territory",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.territory",
                    ),
                ),
                migrations.AlterField(
                    model_name="topic",
                    name="territories",
                    field=models.ManyToManyField(blank=True, to="core.territory", verbose_name="territories"),
                ),
            ]
        ),
    ]
