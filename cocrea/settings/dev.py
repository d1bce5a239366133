"""Local development: ``make run``. Nothing production depends on lives here."""

from .base import *  # noqa: F403
from .base import BUDGETS_DNI_KEY as _BUDGETS_DNI_KEY
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = True
# A fixed key is fine for a laptop; production.py refuses to start without SECRET_KEY.
SECRET_KEY = _SECRET_KEY or "cocrea-development-only-not-secret"
BUDGETS_DNI_KEY = _BUDGETS_DNI_KEY or "cocrea-development-only-dni-key"
INTERNAL_IPS = ["127.0.0.1"]
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
