# Territory now lives in core (see core/migrations/0001_initial.py): the same table, so
# only the migration state changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="organisation",
                    name="territory",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="core.territory",
                        verbose_name="territory",
                    ),
                ),
                migrations.AlterField(
                    model_name="participant",
                    name="territory",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="core.territory",
                        verbose_name="territory",
                    ),
                ),
            ]
        ),
    ]
