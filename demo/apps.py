from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demonstration content (``manage.py seed_demo``): builders for every app, kept out
    of the production apps. Nothing in production imports it."""

    name = "demo"
    label = "demo"
    verbose_name = _("Demonstration content")
    default_auto_field = "django.db.models.BigAutoField"
