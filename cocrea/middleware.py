import logging

from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve

from .unavailable import language_of, response_parts

logger = logging.getLogger(__name__)


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 from an untranslated URL stays a 404.

    Django "rescues" a 404 on an unprefixed path by redirecting to /es/<path> when that
    path would resolve — and with Wagtail serving any path under /es/, it always does. So a
    missing API object (/api/v2/pages/9/) or admin URL would be redirected to a page that
    cannot exist. When the unprefixed path itself resolves, its 404 is the real answer.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and _resolves(request.path_info, getattr(request, "urlconf", None)):
            return response
        return super().process_response(request, response)


def _resolves(path: str, urlconf) -> bool:
    try:
        resolve(path, urlconf)
    except Resolver404:
        return False
    return True


class DatabaseUnavailableMiddleware:
    """A request that fails because the database does not answer (it is restarting, the
    pool has no connection to give) gets a 503 that says so, with the contribution's text
    given back, instead of a 500. Listed last, so it sees the views' exceptions first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
        text = request.POST.get("comment", "") if request.method == "POST" else ""
        body, content_type, headers = response_parts(
            reason="database", language=language_of(request.path), text=text, api=request.path.startswith("/api/")
        )
        return HttpResponse(body, content_type=content_type, status=503, headers=headers)


class OutOfRangeIdMiddleware:
    """An id no database column can hold (``/api/v2/pages/99999999999999999999/``, or any
    other number in a URL of Wagtail's or Django's) names nothing: 404, not a 500.

    The site's own routes take ids through ``<id:…>`` (see ``core.converters``), which
    never match such a number; this covers the routes of the libraries it uses.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        out_of_range = isinstance(exception, OverflowError) or (
            isinstance(exception, DataError) and "out of range" in str(exception)
        )
        if out_of_range:
            logger.info("Id out of range in %s: answered 404", request.path)
            raise Http404
        return None
