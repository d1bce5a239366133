from django.middleware.locale import LocaleMiddleware

# Paths that are not translated: a 404 under them is a 404, never a redirect to /es/...
UNPREFIXED_PATHS = ("/api/", "/admin/", "/django-admin/", "/documents/", "/static/", "/media/", "/healthz")


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus its redirect of unprefixed 404s for API and admin paths.

    Wagtail serves any path under /es/, so Django would "rescue" a missing API object by
    redirecting /api/v2/pages/9/ to /es/api/v2/pages/9/; API clients should get the 404.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED_PATHS):
            return response
        return super().process_response(request, response)
