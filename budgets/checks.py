"""Start-up checks of the participatory budget."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_dni_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without its key, the DNI hash could not be computed, and no ballot taken."""
    if settings.BUDGETS_DNI_KEY:
        return []
    return [
        checks.Error(
            "BUDGETS_DNI_KEY is not set.",
            hint="Set it in the environment to a long random secret, and keep it for the whole edition.",
            id="budgets.E001",
        )
    ]
