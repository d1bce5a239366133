from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    label = "budgets"
    verbose_name = _("Participatory budgets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, personal_data  # noqa: F401 - checks register themselves
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
        personal_data.register()
