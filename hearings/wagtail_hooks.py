from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .viewsets import HearingsViewSetGroup


@hooks.register("register_admin_viewset")
def register_hearing_viewsets():
    return HearingsViewSetGroup()


@hooks.register("insert_global_admin_css")
def hearing_entry_css():
    """Large targets on the question entry form, used on a tablet at the venue."""
    return format_html('<link rel="stylesheet" href="{}">', static("css/hearing-admin.css"))


@hooks.register("register_log_actions")
def register_hearing_log_actions(actions):
    actions.register_action("hearings.enter", _("Enter question"), _("Question entered from another channel"))
    actions.register_action("hearings.on_air", _("Put on air"), _("Question put on air"))
    actions.register_action("hearings.answered", _("Answered in the room"), _("Question answered in the room"))
    actions.register_action("hearings.answered_writing", _("Answer in writing"), _("Written answer published"))
    actions.register_action("hearings.out_of_scope", _("Out of scope"), _("Question set aside as out of scope"))
    actions.register_action("hearings.close", _("Close hearing"), _("Hearing closed"))
    actions.register_action("hearings.speaker", _("Review speaker"), _("Speaker reviewed"))
