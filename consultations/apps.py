from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    label = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from discussions.hosts import register_statistics_scopes

        from .statistics_scopes import statistics_scopes

        register_statistics_scopes("consultations.consultationpage", statistics_scopes)
