"""Every environment variable the site reads, typed, in one place.

Settings modules import from here; nothing else reads ``os.environ``. Defaults are
for development only: production settings refuse to start without the secrets.

Why not django-environ or environs: what the settings need is six small readers (a
string, a required string, a boolean, an integer, a list, a choice) plus the mail URL,
in under a hundred lines with no dependency. The choice reader refuses a value with
the reason it is unsupported (``SEARCH_ENGINE=elasticsearch`` says why), which neither
library does, and both would add a parser and a dependency for what is used here.
"""

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_required(name: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str, *, unsupported: dict[str, str] | None = None) -> str:
    """One of ``choices``; a value in ``unsupported`` is refused with its own reason."""
    value = (env_str(name, default) or default).strip().lower()
    if unsupported and value in unsupported:
        raise ImproperlyConfigured(f"{name}={value} is not supported: {unsupported[value]}")
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_email(name: str) -> dict[str, object] | None:
    """Parse ``smtp://user:password@host:port`` (``smtp+tls://`` or ``smtp+ssl://``)."""
    value = env_str(name)
    if value is None:
        return None
    parts = urlsplit(value)
    schemes = {"smtp": (False, False), "smtp+tls": (True, False), "smtp+ssl": (False, True)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must look like smtp+tls://user:password@host:587.")
    use_tls, use_ssl = schemes[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
