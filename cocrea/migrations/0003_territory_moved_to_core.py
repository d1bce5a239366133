from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cocrea", "0002_territories_and_locales"),
        ("core", "0001_initial"),
        ("accounts", "0002_territory_in_core"),
        ("consultations", "0004_territory_in_core"),
        ("discussions", "0003_territory_in_core"),
        ("forum", "0002_territory_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Territory")]),
    ]
