from django.apps import AppConfig


class HostAppConfig(AppConfig):
    """A discussion host that only the tests know: proof that a new kind of page can carry
    discussions without a change in the discussions app."""

    name = "tests.hostapp"
    label = "hostapp"
    default_auto_field = "django.db.models.BigAutoField"
