"""File names served below a page's URL (``<page>/contributions.csv``, ``<forum>/reuniones.ics``).

Wagtail's URL pattern takes only path segments ending in a slash, so such a path needs a
pattern of its own in the site's URLconf, ahead of Wagtail's, that hands it to Wagtail's
page serving unchanged; the page's routes (``RoutablePageMixin``) then answer it.
"""

from django.urls import re_path
from wagtail.views import serve


def _serve_page(request, path):
    return serve(request, path)


def page_file_path(file_name_regex: str, name: str):
    """A URL pattern for ``<any page path>/<file name matching file_name_regex>``."""
    return re_path(rf"^((?:[\w\-]+/)*{file_name_regex})$", _serve_page, name=name)
