from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CocreaConfig(AppConfig):
    name = "cocrea"
    label = "cocrea"
    verbose_name = _("Cocrea site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .admin_exports import apply
        from .signal_handlers import register_signal_handlers

        apply()
        register_signal_handlers()
