from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .admin_panels import panels_for
from .statistics_views import statistics_admin_urls, statistics_menu_item
from .viewsets import DiscussionsViewSetGroup


@hooks.register("register_admin_viewset")
def register_discussion_viewsets():
    return DiscussionsViewSetGroup()


@hooks.register("register_log_actions")
def register_discussion_log_actions(actions):
    actions.register_action("discussions.approve", _("Approve contribution"), _("Contribution approved"))
    actions.register_action("discussions.remove", _("Remove contribution"), _("Contribution removed"))
    actions.register_action("discussions.respond", _("Record response"), _("Response recorded"))


# --- Participation statistics (discussions/statistics_views.py) ---------------------------
hooks.register("register_admin_urls", statistics_admin_urls)
hooks.register("register_admin_menu_item", statistics_menu_item)


@hooks.register("insert_global_admin_js")
def moderation_queue_live_script():
    """The moderation queue announces new held or flagged contributions as they arrive."""
    return format_html(
        '<script src="{}" data-live-url="/ws/moderation/" data-queue-path="{}" '
        'data-text-one="{}" data-text-other="{}" defer></script>',
        static("js/moderation-live.js"),
        reverse("moderation:index"),
        _("%(count)s new contribution awaits moderation: reload the queue"),
        _("%(count)s new contributions await moderation: reload the queue"),
    )


@hooks.register("construct_homepage_panels")
def show_what_waits(request, panels):
    """Held and reported contributions, responses to record: for those whose work it is."""
    panels.extend(panels_for(request.user))
