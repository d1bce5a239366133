from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared vocabulary every app speaks: sectors, territories, genders, the role
    names, the Markdown renderer. It imports no other app of the project."""

    name = "core"
    label = "core"
    verbose_name = _("Shared vocabulary")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .converters import register_id_converter
        from .signal_handlers import register_signal_handlers

        register_id_converter()
        register_signal_handlers(self)
