from django.conf import settings
from django.db import migrations


def load_default_territories(apps, schema_editor):
    from core.models import load_territories

    load_territories(territory_model=apps.get_model("cocrea", "Territory"))


def create_content_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("cocrea", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_default_territories, migrations.RunPython.noop),
        migrations.RunPython(create_content_locales, migrations.RunPython.noop),
    ]
