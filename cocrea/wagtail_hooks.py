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
