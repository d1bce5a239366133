"""Follow-up: the winning projects, province by province, and each project's updates."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from core.models import Territory
from discussions.errors import Refused
from discussions.selectors import is_following

from .. import rules, selectors
from ..forms import FollowForm
from ..models import BudgetProcessPage, ProjectStatus, TrackedProject
from ..services import followup as services
from .common import render, subpage_url


def followup(page: BudgetProcessPage, request, province: str = ""):
    process = page.edition
    territory = None
    if province and province != "regional":
        territory = Territory.objects.filter(slug=province).first()
        if territory is None or process.envelope_for(territory) is None:
            raise Http404()
    status = request.GET.get("estado", "")
    projects = selectors.tracked_projects(process, territory=province, status=status)
    context = {
        "projects": projects,
        "summary": selectors.followup_summary(projects),
        "province": province,
        "territory": territory,
        "regional": province == "regional",
        "status": status if status in ProjectStatus.values else "",
        "statuses": ProjectStatus.choices,
        "can_manage": rules.can_manage(request.user),
    }
    return render(request, page, "budgets/followup.html", context)


def _project(process: BudgetProcessPage, pk: int, request) -> TrackedProject:
    project = get_object_or_404(
        TrackedProject.objects.select_related("proposal__category", "territory", "process"), process=process, pk=pk
    )
    if not project.is_visible_to(request.user, request.session):
        raise Http404()
    return project


def project_detail(page: BudgetProcessPage, request, pk: int):
    project = _project(page.edition, pk, request)
    updates = list(project.updates.prefetch_related("photos__image"))
    context = {
        "project": project,
        "updates": updates,
        "following": is_following(request.user, project),
        "can_update": rules.can_update_projects(request.user),
    }
    return render(request, page, "budgets/project.html", context)


def project_follow(page: BudgetProcessPage, request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    project = _project(page.edition, pk, request)
    url = subpage_url(page, request, "project", project.pk)
    if not request.user.is_authenticated:
        return redirect_to_login(url)
    form = FollowForm(request.POST)
    following = form.is_valid() and form.cleaned_data["following"] == "1"
    try:
        services.project_follow(project=project, user=request.user, following=following, session=request.session)
    except Refused as error:
        messages.error(request, error.message)
    else:
        if following:
            messages.success(request, _("You will receive an e-mail with each update of this project."))
        else:
            messages.success(request, _("You no longer follow this project."))
    return redirect(url)
