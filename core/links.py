"""Addresses that leave the site (mail, exports, feeds): absolute, on ``SITE_URL``."""

from django.conf import settings


def absolute_url(url: str) -> str:
    """``url`` as a full address: a path is put on the site's public address."""
    if not url or "://" in url:
        return url
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}"
