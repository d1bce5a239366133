from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Territory


class TerritoryViewSet(SnippetViewSet):
    model = Territory
    icon = "site"
    menu_order = 900
    list_display = ["name", "slug", "code", "region"]
    search_fields = ["name", "slug", "code"]
    add_to_admin_menu = True


register_snippet(TerritoryViewSet)


@hooks.register("insert_global_admin_js")
def start_what_wagtail_starts_inline():
    """The admin's date choosers and inline panels, started without inline script (see
    templates/wagtailadmin/ and static/js/admin-csp.js)."""
    return format_html('<script src="{}" defer></script>', static("js/admin-csp.js"))
