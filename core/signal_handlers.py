from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_migrate

from .roles import ensure_roles_and_workflow
from .sites import follow_site_url


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    if ContentType.objects.filter(app_label="wagtailadmin").exists():
        ensure_roles_and_workflow()


def follow_site_url_after_migrate(sender, **kwargs) -> None:
    follow_site_url()


def register_signal_handlers(app_config) -> None:
    post_migrate.connect(ensure_roles_after_migrate, sender=app_config, dispatch_uid="core-ensure-roles")
    post_migrate.connect(follow_site_url_after_migrate, sender=app_config, dispatch_uid="core-follow-site-url")
