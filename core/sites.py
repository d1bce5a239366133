"""The Wagtail Site follows ``SITE_URL``.

Wagtail builds a page's full address — ``page.full_url``, used by mail, feeds and the
API's ``detail_url`` and ``html_url`` — from its Site's hostname and port, not from the
settings, and its first migration makes that ``localhost:80``. So the default Site takes
its hostname and port from ``SITE_URL`` (``settings.WAGTAILADMIN_BASE_URL``) after every
``migrate`` and whenever ``manage.py site_url`` runs.

Wagtail derives the scheme from the port (443: https, anything else: http), so a
public address is ``https://host`` or ``http://host[:port]``.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

logger = logging.getLogger(__name__)


def address_of(url: str) -> tuple[str, int]:
    """(hostname, port) of an ``http://`` or ``https://`` address; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url!r}")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def site_url() -> str:
    """The site's public address, without a trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def follow_site_url() -> tuple[Site, bool] | None:
    """Give the default Site ``SITE_URL``'s hostname and port: (the Site, whether it
    changed), or None while there is no default Site yet."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    hostname, port = address_of(site_url())
    if (site.hostname, site.port) == (hostname, port):
        return site, False
    logger.info("Default site %s:%s now follows SITE_URL: %s:%s", site.hostname, site.port, hostname, port)
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return site, True
