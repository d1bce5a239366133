"""Admin screens: organisations to verify, and a read-mostly list of participants."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, UserColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.models import Territory

from .models import Organisation, Participant


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 310
    add_to_admin_menu = True
    list_display = [
        "name",
        "sector",
        "territory",
        BooleanColumn("verified", label=_("Verified"), sort_key="verified"),
        UserColumn("requested_by", label=_("Requested by")),
        "created_at",
    ]
    list_filter = ["verified", "sector", "territory"]
    search_fields = ["name"]
    ordering = ["verified", "name"]  # requests awaiting verification first


class ParticipantPermissionPolicy(ModelPermissionPolicy):
    """People register themselves (or through ``create_participant``) and delete their own
    account, which anonymises their contributions: neither is done from the admin."""

    FORBIDDEN = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.FORBIDDEN and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.FORBIDDEN]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


class ParticipantFilterSet(WagtailFilterSet):
    confirmed = django_filters.BooleanFilter(
        label=_("E-mail confirmed"), field_name="email_confirmed_at", lookup_expr="isnull", exclude=True
    )
    suspended = django_filters.BooleanFilter(
        label=_("Suspended"), field_name="suspended_at", lookup_expr="isnull", exclude=True
    )
    territory = django_filters.ModelChoiceFilter(label=_("Territory"), queryset=Territory.objects.all())

    class Meta:
        model = Participant
        fields = ["sector", "territory", "confirmed", "suspended"]


class ParticipantIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("territory", "organisation")


class ParticipantViewSet(ModelViewSet):
    index_view_class = ParticipantIndexView
    model = Participant
    icon = "user"
    menu_label = _("Participants")
    menu_order = 300
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    # Operators may correct how someone appears (an offensive name, a wrong organisation);
    # suspension goes through moderation, which records the reason.
    form_fields = ["display_name", "sector", "organisation", "territory"]
    list_display = [
        "display_name",
        "sector",
        "territory",
        Column("organisation_name", label=_("Organisation")),
        BooleanColumn("is_confirmed", label=_("Confirmed")),
        BooleanColumn("is_suspended", label=_("Suspended")),
        "created_at",
    ]
    filterset_class = ParticipantFilterSet
    search_fields = ["display_name", "user__email", "organisation__name"]
    search_backend_name = None  # plain database lookups, across the related e-mail and organisation
    inspect_view_fields = [
        "display_name",
        "sector",
        "organisation",
        "territory",
        "terms_accepted_at",
        "email_confirmed_at",
        "suspended_at",
        "suspension_reason",
        "created_at",
    ]


register_permission_policy(Participant, ParticipantPermissionPolicy(Participant))
register_snippet(OrganisationViewSet)


@hooks.register("register_admin_viewset")
def register_participant_viewset():
    return ParticipantViewSet("participants")


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    actions.register_action("accounts.suspend", _("Suspend participant"), _("Participant suspended"))
    # Suspensions recorded before they moved to this app.
    actions.register_action("discussions.suspend", _("Suspend participant"), _("Participant suspended"))
