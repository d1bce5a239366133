"""Health endpoints for a load balancer or an orchestrator, and robots.txt."""

import logging
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from core.links import absolute_url
from search.engines.opensearch import OpenSearchEngine
from search.models import IndexingBacklog

logger = logging.getLogger(__name__)

#: Seconds a dependency may take to answer a readiness check.
CHECK_TIMEOUT = 2
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@never_cache
def healthz(request):
    """Liveness for a load balancer: the process answers. Dependencies are not checked here."""
    return JsonResponse({"status": "ok"})


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check() or {}
        result.setdefault("ok", True)
    except Exception as error:  # any failure of a dependency is a finding, reported below
        logger.warning("Readiness check %s failed: %s", check.__name__, error)
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"configured": False, "detail": "in-memory channel layer (one process)"}
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"configured": True}


def _search() -> dict:
    if settings.SEARCH_ENGINE == "database":
        return {"engine": "database"}
    engine = OpenSearchEngine(timeout=CHECK_TIMEOUT)
    health = engine.client.cluster.health()  # the client gives up after CHECK_TIMEOUT
    return {"engine": settings.SEARCH_ENGINE, "cluster": health.get("status"), "ok": health.get("status") != "red"}


def _indexing_backlog() -> dict:
    waiting = IndexingBacklog.objects.count()
    oldest = IndexingBacklog.objects.order_by("queued_at").values_list("queued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"waiting": waiting, "oldest_seconds": round(age)}


def _may_see_details(request) -> bool:
    """The checks' details (versions, errors, backlog) are for the operator: a request
    from this machine, or one carrying ``READYZ_TOKEN`` as a bearer token."""
    if request.META.get("REMOTE_ADDR") in LOOPBACK:
        return True
    token = settings.READYZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and constant_time_compare(given, token)


@never_cache
def readyz(request):
    """Readiness: each dependency, checked now. Without the database nothing works (503);
    without Redis or the search engine the site still serves and accepts contributions
    (live updates pause, search falls back to the database), so it stays ready but
    "degraded", for monitoring to see. Anyone else than the operator gets the status only."""
    checks = {"database": _timed(_database), "redis": _timed(_redis), "search": _timed(_search)}
    if checks["database"]["ok"]:
        checks["indexing_backlog"] = _timed(_indexing_backlog)
    if not checks["database"]["ok"]:
        status, code = "unavailable", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    if not _may_see_details(request):
        return JsonResponse({"status": status}, status=code)
    return JsonResponse({"status": status, "checks": checks}, status=code)


#: Where robots have no business, in every language: accounts, the forms behind a
#: contribution's actions, and search results (endless combinations of the same content).
#: Each is named by a route in it; robots.txt keeps them out of the route's first folder.
ROBOTS_KEEP_OUT = ("accounts:login", "discussions:post", "search:page")


def robots_txt(request):
    """Everything public may be indexed but the admin, accounts, actions and search
    results; the sitemap lists the pages."""
    paths = ["/admin/", "/django-admin/", "/api/"]
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths += ["/".join(reverse(name).split("/")[:3]) + "/" for name in ROBOTS_KEEP_OUT]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in dict.fromkeys(paths))]
    lines.append(f"Sitemap: {absolute_url(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
