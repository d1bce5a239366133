"""The forum's meetings calendar is a file name under the forum's URL, which Wagtail's
own pattern (slash-ended segments only) does not take: hand it to page serving, as
``consultations.routes.open_data_urlpatterns`` does for the open-data files."""

from django.urls import re_path

app_name = "forum"


def _serve_page(request, path):
    from wagtail.views import serve

    return serve(request, path)


urlpatterns = [
    re_path(r"^((?:[\w\-]+/)*reuniones\.ics)$", _serve_page, name="calendar"),
]
