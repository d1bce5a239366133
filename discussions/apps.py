from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    label = "discussions"
    verbose_name = _("Discussions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save
        from django_comments_xtd.models import publish_or_unpublish_on_pre_save

        from . import personal_data
        from .signal_handlers import register_signal_handlers

        # django-comments-xtd hides every reply of a comment that is held or removed. Here
        # the replies stay and the parent shows a placeholder, as for a withdrawal: a
        # thread keeps its meaning when one voice in it is taken out.
        pre_save.disconnect(publish_or_unpublish_on_pre_save, sender="discussions.Contribution")
        register_signal_handlers()
        personal_data.register()
