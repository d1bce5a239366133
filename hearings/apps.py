from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    label = "hearings"
    verbose_name = _("Public hearings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from discussions.hosts import register_statistics_scopes

        from . import personal_data
        from .signal_handlers import register_signal_handlers
        from .statistics import statistics_scopes

        register_signal_handlers()
        personal_data.register()
        register_statistics_scopes("hearings.hearingpage", statistics_scopes)
