from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views, rules
from .models import BudgetCategory, BudgetProcessPage, Phase
from .viewsets import BudgetsViewSetGroup


class BudgetCategoryViewSet(SnippetViewSet):
    model = BudgetCategory
    icon = "tag"
    menu_label = _("Budget categories")
    list_display = ["name", "name_en", "slug", "sort_order"]


register_snippet(BudgetCategoryViewSet)


@hooks.register("register_admin_viewset")
def register_budget_viewsets():
    return BudgetsViewSetGroup()


@hooks.register("register_admin_urls")
def register_budget_action_urls():
    return [
        path("budgets/<id:page_id>/count/", admin_views.count_ballots, name="budgets_count"),
        path("budgets/<id:page_id>/follow-up/", admin_views.start_followup, name="budgets_followup"),
    ]


@hooks.register("register_page_header_buttons")
def budget_action_buttons(page, user, view_name, next_url=None):
    specific = page.specific_deferred
    if not isinstance(specific, BudgetProcessPage) or not rules.can_manage(user):
        return
    if specific.edition.phase_at() in (Phase.RESULTS, Phase.FOLLOW_UP):
        yield Button(_("Count the ballots"), reverse("budgets_count", args=[page.pk]), icon_name="table", priority=58)
        yield Button(
            _("Start the follow-up"), reverse("budgets_followup", args=[page.pk]), icon_name="site", priority=59
        )


@hooks.register("register_log_actions")
def register_budget_log_actions(actions):
    actions.register_action("budgets.evaluate", _("Evaluate proposal"), _("Proposal evaluated"))
    actions.register_action("budgets.merge", _("Merge proposals"), _("Proposals merged"))
    actions.register_action("budgets.hide", _("Hide proposal"), _("Proposal hidden"))
    actions.register_action("budgets.show", _("Show proposal"), _("Proposal shown again"))
    actions.register_action("budgets.paper_ballot", _("Enter paper ballot"), _("Paper ballot entered"))
    actions.register_action("budgets.annul", _("Annul ballot"), _("Ballot annulled"))
    actions.register_action("budgets.count", _("Count ballots"), _("Ballots counted"))
    actions.register_action("budgets.followup", _("Start follow-up"), _("Follow-up started"))
    actions.register_action("budgets.project_update", _("Update project"), _("Project updated"))
