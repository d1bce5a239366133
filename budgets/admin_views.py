"""Two actions on an edition, from its page in the admin: count the ballots, and start
the follow-up of the winners. Each asks for confirmation, then calls its service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from discussions.errors import Refused

from . import rules
from .models import BudgetProcessPage
from .services import followup, results


def _edition(request, page_id) -> BudgetProcessPage:
    page = get_object_or_404(BudgetProcessPage, pk=page_id)
    if not rules.can_manage(request.user):
        raise PermissionDenied
    return page.edition


def count_ballots(request, page_id):
    process = _edition(request, page_id)
    if request.method == "POST":
        try:
            run = results.count_request(process=process, user=request.user)
        except Refused as error:
            messages.error(request, error.message)
            return redirect("wagtailadmin_pages:edit", process.pk)
        messages.success(request, _("The count has started; its progress is shown here."))
        return redirect(reverse("budget_counts:inspect", args=[run.pk]))
    return TemplateResponse(
        request,
        "budgets/admin/confirm.html",
        {
            "page": process,
            "page_title": _("Count the ballots"),
            "header_title": process.title,
            "text": _(
                "Every envelope is counted with both rules, in the background; the results page shows the "
                "official rule's winners and what the other rule would have chosen. Counting again later "
                "(after annulling a ballot, say) replaces the published results."
            ),
            "confirm": _("Count now"),
        },
    )


def start_followup(request, page_id):
    process = _edition(request, page_id)
    if request.method == "POST":
        try:
            created = followup.followup_start(process=process, manager=request.user)
        except Refused as error:
            messages.error(request, error.message)
            return redirect("wagtailadmin_pages:edit", process.pk)
        messages.success(request, _("%(count)d winning projects are now followed.") % {"count": len(created)})
        return redirect(reverse("budget_projects:index"))
    return TemplateResponse(
        request,
        "budgets/admin/confirm.html",
        {
            "page": process,
            "page_title": _("Start the follow-up"),
            "header_title": process.title,
            "text": _(
                "Each winning project of the published results becomes a tracked project, with its status, "
                "progress and spending, updated from “Project updates”. Running it again adds nothing twice."
            ),
            "confirm": _("Start the follow-up"),
        },
    )
