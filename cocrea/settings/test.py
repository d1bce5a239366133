"""The test suite: the embedded defaults unless the environment names real services."""

from core.env import env_str

from .base import *  # noqa: F403
from .base import BUDGETS_DNI_KEY as _BUDGETS_DNI_KEY
from .base import REDIS_URL
from .base import SECRET_KEY as _SECRET_KEY

SECRET_KEY = _SECRET_KEY or "cocrea-tests-only-not-secret"
BUDGETS_DNI_KEY = _BUDGETS_DNI_KEY or "cocrea-tests-only-dni-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps and static/ directly: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Nothing in Redis is shared with a development site or a benchmark on the same server.
REDIS_PREFIX = env_str("REDIS_PREFIX", "cocrea-test")
if REDIS_URL:
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = REDIS_PREFIX  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = REDIS_PREFIX  # noqa: F405

# Nor in OpenSearch.
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "cocrea-test")

# A discussion host only the tests know (tests/hostapp): a new kind of page needs no
# change in the discussions app.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.hostapp"]  # noqa: F405
