from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from consultations.api import api_router

from . import page_routes, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("api/search/", include("search.api_urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Everything public lives under /es/ or /en/; "/" redirects by the browser's language.
urlpatterns += i18n_patterns(
    path("", include("accounts.urls")),
    path("", include("consultations.urls")),
    path("", include("discussions.urls")),
    path("", include("search.urls")),
    path("", include("forum.urls")),
    path("", include("budgets.urls")),
    path("", include("hearings.urls")),
    # Wagtail's page serving, with the site and the page's route remembered (cocrea/page_routes.py)
    re_path(wagtail_urls.serve_pattern, page_routes.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
