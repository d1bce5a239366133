from django.contrib import messages
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Territory
from .pages import unfinished_fields


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


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def say_what_a_draft_lacks(request, page):
    """Wagtail saves a draft without its required fields and checks them only when the
    page is sent to review or published; the editor is told at once what is missing."""
    missing = unfinished_fields(page.specific)
    if missing:
        messages.warning(
            request,
            _("Saved as a draft. Before it can be sent to review or published, complete: %(fields)s.")
            % {"fields": ", ".join(missing)},
        )
