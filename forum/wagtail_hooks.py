from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ForumCategory


class ForumCategoryViewSet(SnippetViewSet):
    model = ForumCategory
    icon = "folder-open-inverse"
    menu_label = _("Forum categories")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "description"]


register_snippet(ForumCategoryViewSet)


@hooks.register("register_log_actions")
def register_forum_log_actions(actions):
    actions.register_action("forum.pin", _("Pin topic"), _("Topic pinned"))
    actions.register_action("forum.unpin", _("Unpin topic"), _("Topic unpinned"))
    actions.register_action("forum.lock", _("Lock topic"), _("Topic locked"))
    actions.register_action("forum.unlock", _("Unlock topic"), _("Topic unlocked"))
    actions.register_action("forum.hide", _("Hide topic"), _("Topic hidden"))
    actions.register_action("forum.unhide", _("Show topic"), _("Topic shown again"))
    actions.register_action("forum.move", _("Move topic"), _("Topic moved to another category"))
