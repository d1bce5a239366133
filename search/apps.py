from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import sources  # noqa: F401 - registers the page source
        from .signal_handlers import register_signal_handlers

        # Each app describes its searchable content in its search_documents.py.
        autodiscover_modules("search_documents")
        register_signal_handlers()
