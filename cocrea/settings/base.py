"""Settings shared by every environment.

Each integration has its own section below. Values that differ between deployments
come from the environment through :mod:`core.env`; the defaults here are the
embedded ones ``make run`` uses (SQLite, in-memory channel layer, database search).
"""

from pathlib import Path

import dj_database_url

from core.env import env_choice, env_email, env_int, env_list, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(env_str("COCREA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",
    "cocrea",
    "accounts",
    "consultations",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.embeds",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django_comments_xtd",
    "django_comments",
    "axes",
    "csp",
    # After django-comments-xtd: its ready() wires a signal this app unwires.
    "discussions",
    "forum",
    "budgets",
    "hearings",
    "search",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cocrea.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "cocrea.middleware.DatabaseUnavailableMiddleware",
    "cocrea.middleware.OutOfRangeIdMiddleware",
    # Last: it answers a locked-out login (see "Accounts" below).
    "axes.middleware.AxesMiddleware",
]

# Form widgets render with the site's templates, so templates/wagtailadmin/widgets/
# (date choosers without inline script, for the Content-Security-Policy) applies to them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "cocrea.urls"
WSGI_APPLICATION = "cocrea.wsgi.application"
ASGI_APPLICATION = "cocrea.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://cocrea@127.0.0.1:5432/cocrea; SQLite in var/ otherwise.
# Persistent connections stay off: under ASGI each request may run in another thread, and
# Django's documentation advises against them there. PostgreSQL gets a connection pool
# instead (DATABASE_POOL_SIZE connections per process at most, 0 for none; production
# turns it on), and a connection that cannot be made in DATABASE_CONNECT_TIMEOUT seconds
# is an error the site answers with a 503, not a request hanging.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cocrea.sqlite3'}"),
        conn_max_age=0,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time --------------------------------------------------------------
# Spanish first, English second. Dates are stored in UTC and shown in Lima's time.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
# locale/: the site's own strings (makemessages writes there). locale_wagtail/: Spanish for
# the Wagtail admin strings Wagtail ships untranslated, so the admin is all Spanish.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
USE_I18N = True
TIME_ZONE = "America/Lima"
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Redis: channel layer and cache --------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Everything this site keeps in Redis is named under REDIS_PREFIX, so several sites (or
# test runs, or benchmarks) can share one Redis without hearing each other: Redis
# delivers PUBLISH messages across database numbers, so a database number is not enough.
REDIS_PREFIX = env_str("REDIS_PREFIX", "cocrea")
# CHANNEL_LAYER picks channels-redis' layer: "pubsub" (PUBLISH/SUBSCRIBE, the default)
# or "core" (lists). bench/live_fanout.py, 1,000 readers on 2 workers: both deliver every
# event once the timeouts below are set, core with a slightly lower p99. pubsub survives
# a Redis restart (redis-py subscribes again; tests/services/test_redis_restart.py):
# its readers stay connected, where core's waiting receive fails and drops every reader.
CHANNEL_LAYER = env_choice("CHANNEL_LAYER", ("core", "pubsub"), "pubsub")
if REDIS_URL:
    # redis-py's default 5 s read timeout equals channels-redis' 5 s blocking read, which
    # then fails on a quiet worker; its 100-connection pool is too small for a burst of
    # readers connecting at once.
    _REDIS_LAYER_HOST = {
        "address": REDIS_URL,
        "socket_timeout": 10,
        "socket_connect_timeout": 2,
        "max_connections": 1000,
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "core": "channels_redis.core.RedisChannelLayer",
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
            }[CHANNEL_LAYER],
            "CONFIG": {"hosts": [_REDIS_LAYER_HOST], "prefix": REDIS_PREFIX},
        }
    }
    # The cache only saves work: while Redis is unreachable it holds nothing (cocrea/cache.py),
    # and it gives up on Redis within a second.
    CACHES = {
        "default": {
            "BACKEND": "cocrea.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Search --------------------------------------------------------------------------
# SEARCH_ENGINE picks the engine for contribution search and for Wagtail's admin search.
SEARCH_ENGINE = env_choice(
    "SEARCH_ENGINE",
    ("database", "opensearch"),
    "database",
    unsupported={
        "elasticsearch": (
            "Elasticsearch 8 and 9 cannot be run here: Maven Central carries the server jar but no "
            "module (no transport-netty4, no analysis-common), so a node built from it has no HTTP at "
            "all; the last Elasticsearch whose modules are published (7.10, by a third party) is "
            "end-of-life since 2021, and elasticsearch-py from 7.14 on refuses it. "
            "Use opensearch or database."
        ),
    },
)
# One node, or the nodes of a cluster separated by commas; SEARCH_REPLICAS copies of the
# index on other nodes (0 for a single node).
SEARCH_URL = env_str("SEARCH_URL", "http://127.0.0.1:9200")
SEARCH_REPLICAS = env_int("SEARCH_REPLICAS", 0)
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "cocrea")
#: Seconds a query may take; a bulk indexing request has its own, longer limit (it is
#: retried smaller when it passes it).
SEARCH_TIMEOUT = env_int("SEARCH_TIMEOUT", 5)
SEARCH_BULK_TIMEOUT = env_int("SEARCH_BULK_TIMEOUT", 30)
#: Seconds before a failed indexing is tried again (doubling up to an hour).
SEARCH_RETRY_SECONDS = env_int("SEARCH_RETRY_SECONDS", 10)
_WAGTAIL_SEARCH_BACKEND = {
    "database": "wagtail.search.backends.database",
    "opensearch": "wagtail.search.backends.opensearch2",
}[SEARCH_ENGINE]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": _WAGTAIL_SEARCH_BACKEND}}
if SEARCH_ENGINE != "database":
    WAGTAILSEARCH_BACKENDS["default"].update(
        {
            "URLS": [node.strip() for node in SEARCH_URL.split(",") if node.strip()],
            "INDEX_PREFIX": f"{SEARCH_INDEX_PREFIX}-wagtail-",
            "TIMEOUT": SEARCH_TIMEOUT,
            "OPTIONS": {},
            "INDEX_SETTINGS": {},
        }
    )

# --- Background tasks ----------------------------------------------------------------
# Immediate by default; TASKS_BACKEND=database queues tasks for `manage.py db_worker`.
TASKS_BACKEND = env_choice("TASKS_BACKEND", ("immediate", "database"), "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
    }
}

# --- Mail ----------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cocrea <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
_email = env_email("EMAIL_URL")
if _email:
    globals().update(_email)

# --- Security headers ----------------------------------------------------------------
# No inline script anywhere (the admin, the live script and the charts included); styles
# may be inline, which Wagtail's editor needs. 'self' covers the live WebSocket.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# --- Accounts: login attempts and mail throttling ---------------------------------------
# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one account, or from one
# address, logins (the site's and the admin's) are refused with a 429 for the cool-off
# time, the right password included. Attempts are kept in the database, so every
# process sees them.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "accounts.services.login_username"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Mail a visitor can make the site send: password resets and confirmation links, per
# address and per client address (django-ratelimit, on the cache).
ACCOUNTS_MAIL_PER_ADDRESS = env_str("ACCOUNTS_MAIL_PER_ADDRESS", "3/h")
ACCOUNTS_MAIL_PER_CLIENT = env_str("ACCOUNTS_MAIL_PER_CLIENT", "10/h")

# --- Participants and discussions ----------------------------------------------------
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
SITE_ID = 1
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "discussions.models.Contribution"
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_THREADED_EMAILS = False
# How deep replies nest: a reply to a contribution at the deepest level joins its parent.
COMMENTS_XTD_MAX_THREAD_LEVEL = env_int("DISCUSSIONS_MAX_DEPTH", 3)
# Our own limit: django-comments' COMMENT_MAX_LENGTH is part of its model, and changing
# it would ask for a migration in that third-party app.
DISCUSSIONS_MAX_LENGTH = 5000
DISCUSSIONS_THREADS_PER_PAGE = 20
#: How long an anonymous reader's rendered thread list is kept (discussions.public_threads);
#: every visible change makes a new entry anyway: this bounds what changes without one.
DISCUSSIONS_THREADS_CACHE_SECONDS = env_int("DISCUSSIONS_THREADS_CACHE_SECONDS", 600)
DISCUSSIONS_EDIT_MINUTES = 15
#: Topics one participant may start in an hour.
FORUM_TOPICS_PER_HOUR = env_int("FORUM_TOPICS_PER_HOUR", 10)
DISCUSSIONS_POSTS_PER_MINUTE = env_int("DISCUSSIONS_POSTS_PER_MINUTE", 5)
# Distinct participants whose flags hide a contribution until a moderator reviews it.
DISCUSSIONS_FLAGS_TO_HIDE = env_int("DISCUSSIONS_FLAGS_TO_HIDE", 3)
ACCOUNTS_CONFIRMATION_DAYS = 3
#: A live reader's heartbeat interval; the readers' count forgets a reader silent for
#: 2.5 heartbeats. The page's script, the consumer and the benchmarks read this one value.
DISCUSSIONS_HEARTBEAT_SECONDS = env_int("DISCUSSIONS_HEARTBEAT_SECONDS", 30)
#: Live events older than this are pruned; a reader away longer is asked to reload.
DISCUSSIONS_EVENTS_KEEP_DAYS = env_int("DISCUSSIONS_EVENTS_KEEP_DAYS", 14)

# --- Participatory budgets ------------------------------------------------------------
# A voter's DNI is never stored: only HMAC-SHA256(BUDGETS_DNI_KEY, process and DNI), which
# lets the site refuse a second ballot from the same person on any channel. The key is a
# secret (production refuses to start without it); changing it during a vote would let
# everyone who voted vote again.
BUDGETS_DNI_KEY = env_str("BUDGETS_DNI_KEY")
#: Proposals one participant may make in a day, in one process.
BUDGETS_PROPOSALS_PER_DAY = env_int("BUDGETS_PROPOSALS_PER_DAY", 5)
#: Wrong or already-used DNIs a voter may give in an hour before the voting form pauses.
BUDGETS_DNI_ATTEMPTS_PER_HOUR = env_int("BUDGETS_DNI_ATTEMPTS_PER_HOUR", 5)
# --- Public hearings -----------------------------------------------------------------
#: Questions are short: a hearing answers many in little time.
HEARINGS_QUESTION_MAX_LENGTH = env_int("HEARINGS_QUESTION_MAX_LENGTH", 500)
#: Questions one participant may ask in an hour (all hearings together).
HEARINGS_QUESTIONS_PER_HOUR = env_int("HEARINGS_QUESTIONS_PER_HOUR", 5)
#: Video players a hearing page may show in a frame, once the reader asks for one: only
#: that page's Content-Security-Policy names the host, in frame-src (hearings/video.py).
HEARINGS_VIDEO_FRAME_SOURCES = env_list(
    "HEARINGS_VIDEO_FRAME_SOURCES",
    ["https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.facebook.com"],
)
#: Reminders about written answers start this many days before their deadline.
HEARINGS_REMINDER_DAYS = env_int("HEARINGS_REMINDER_DAYS", 5)

# --- Serving -------------------------------------------------------------------------
# Each ASGI process runs at most HTTP_CONCURRENT_REQUESTS requests at once (0: no limit);
# the others wait, writes first, up to HTTP_QUEUE_WAIT_SECONDS, and a read finding
# HTTP_QUEUED_READS reads already waiting is refused with a 503 at once (cocrea/admission.py).
HTTP_CONCURRENT_REQUESTS = env_int("HTTP_CONCURRENT_REQUESTS", 8)
HTTP_QUEUED_READS = env_int("HTTP_QUEUED_READS", 64)
HTTP_QUEUE_WAIT_SECONDS = env_int("HTTP_QUEUE_WAIT_SECONDS", 10)
# A request body is read before the request takes a place: it must arrive within
# HTTP_BODY_SECONDS (408 otherwise) and be at most HTTP_MAX_BODY_MB (413 otherwise).
# /readyz gives the checks' details only to this machine or to a bearer of this token.
READYZ_TOKEN = env_str("READYZ_TOKEN", "")
HTTP_BODY_SECONDS = env_int("HTTP_BODY_SECONDS", 10)
HTTP_MAX_BODY_MB = env_int("HTTP_MAX_BODY_MB", 32)

# --- Wagtail -------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Cocrea"
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# The admin speaks the site's languages: a user who has not chosen one gets their
# browser's if it is one of these, and Spanish otherwise.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Slugs are ASCII ("transporte-publico-rural"): a "ú" becomes "%C3%BA" in every link
# shared by mail or on WhatsApp.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No autosave: it writes a new revision while a page is open in the editor, so a reviewer's
# "Approve and publish" could be followed by an autosaved revision, and the page then
# showed a newer draft ("View draft") than what was just published.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar: staff's e-mail hashes are not sent to a third party (and the CSP allows
# images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Logging -------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "opensearch": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
