from django.db.models.signals import post_migrate

from .roles import ensure_roles_after_migrate


def register_signal_handlers(app_config) -> None:
    post_migrate.connect(ensure_roles_after_migrate, sender=app_config, dispatch_uid="consultations-ensure-roles")
