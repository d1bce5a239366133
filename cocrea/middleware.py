from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve


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
