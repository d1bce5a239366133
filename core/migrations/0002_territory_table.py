from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        # Every foreign key points at core.Territory before the table is renamed.
        ("cocrea", "0003_territory_moved_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="territory", table=None),
    ]
