from django.utils.translation import gettext_lazy as _
from wagtail import hooks

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
    actions.register_action("discussions.suspend", _("Suspend participant"), _("Participant suspended"))


# --- Participation statistics (discussions/statistics_views.py) ---------------------------
hooks.register("register_admin_urls", statistics_admin_urls)
hooks.register("register_admin_menu_item", statistics_menu_item)
