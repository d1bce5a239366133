# Territory now lives in core (see core/migrations/0001_initial.py): the same table, so
# only the migration state changes here.

import modelcluster.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_consultationpage_premoderated"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="consultationpage",
                    name="territories",
                    field=modelcluster.fields.ParentalManyToManyField(
                        blank=True, to="core.territory", verbose_name="territories"
                    ),
                ),
            ]
        ),
    ]
