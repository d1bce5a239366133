from django.db import migrations

CODES = ["access_to_information", "civic_participation", "public_accountability", "technology_and_innovation"]


def create_ogp_values(apps, schema_editor):
    OgpValue = apps.get_model("consultations", "OgpValue")
    for code in CODES:
        OgpValue.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(create_ogp_values, migrations.RunPython.noop)]
