"""Production: secrets have no default, so a misconfigured deploy fails at start."""

from core.env import env_bool, env_int, env_required

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
BUDGETS_DNI_KEY = env_required("BUDGETS_DNI_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
# Only when the operator asks: every subdomain must then serve HTTPS too, and preloading
# is hard to undo (W005 and W021 are silenced below for that reason).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview renders the page in a same-origin iframe, which DENY would break.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019", "security.W005", "security.W021"]

# PostgreSQL through a pool of connections per process, each checked before it is lent
# (after a database restart the pool's old connections are replaced, not used). A
# request that waits DATABASE_POOL_TIMEOUT seconds for a connection gets a 503.
_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 16)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _POOL_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # with a pool: check each connection lent
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": 2,
        "max_size": _POOL_SIZE,
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
