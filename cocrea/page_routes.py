"""Which site and which page a request is for, remembered between requests.

Wagtail finds the site by querying the hostname, then walks the page tree one path
component at a time (a child lookup and a ``specific`` query per level): some ten
queries before a consultation page starts rendering. Both answers change only when
pages are published, unpublished, moved or deleted, or a site changes; until then they
are kept in the cache (shared by every worker with Redis), keyed by a version number
those changes bump. Wagtail's serve view then runs as ever — view restrictions and
``before_serve_page`` hooks included — with the route handed to it
(``request._wagtail_route_for_request``, where Wagtail itself keeps it).

Only a page's own address is remembered: a sub-route of a routable page
(``…/statistics/``, a forum topic) is routed by Wagtail each time.
"""

import time

from django.apps import apps
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

VERSION_KEY = "page-routes:version"
#: Entries outlive nothing: a change bumps the version, and old keys expire.
TIMEOUT = 24 * 3600


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def forget(**kwargs) -> None:
    """A page or a site changed: every remembered route and site is stale."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def _site(request, version: int) -> Site | None:
    key = f"page-routes:{version}:site:{request.get_host()}"
    site = cache.get(key)
    if site is None:
        site = Site.find_for_request(request)
        if site is not None:
            cache.set(key, site, TIMEOUT)
    else:
        request._wagtail_site = site
    return site


def serve(request, path):
    """Wagtail's page serving, with the site and the route remembered."""
    version = _version()
    site = _site(request, version)
    if site is None:
        return wagtail_serve(request, path)
    key = f"page-routes:{version}:{site.pk}:{get_language()}:{path}"
    remembered = cache.get(key)
    if remembered is not None:
        model = apps.get_model(remembered[0])
        page = model._default_manager.filter(pk=remembered[1], live=True).first()
        if page is not None:
            request._wagtail_route_for_request = RouteResult(page)
    response = wagtail_serve(request, path)
    if remembered is None:
        _remember(request, key)
    return response


def _remember(request, key: str) -> None:
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is None:
        return
    page, args, kwargs = route
    if not args and not kwargs and isinstance(page, Page) and page.live:
        cache.set(key, (page._meta.label_lower, page.pk), TIMEOUT)
