"""Background work of the participatory budget: counting, mail after the commit, and
rewriting an edition's search documents when its phase changes."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core.links import absolute_url
from discussions.models import Follow, discussion_key
from search import indexing
from search.documents import key

from .models import BudgetProcessPage, ProjectUpdate, Proposal, ResultRun, RunStatus
from .services import results


@task()
def count_ballots(run_id: int) -> dict:
    """Count a requested run (see ``services.results``); its progress is saved as it goes."""
    run = ResultRun.objects.select_related("process").filter(pk=run_id, status=RunStatus.QUEUED).first()
    if run is None:
        return {"run": run_id, "status": "not queued"}
    run = results.count_run(run)
    return {"run": run.pk, "status": run.status, "ballots": run.ballots_counted}


def _mail(template: str, context: dict, recipients: list[str]) -> int:
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"budgets/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"budgets/email/{template}.txt", context)
    connection = get_connection()
    messages = [EmailMessage(subject, body, to=[address], connection=connection) for address in recipients]
    return connection.send_messages(messages) or 0


@task()
def notify_evaluation(proposal_id: int) -> int:
    """Tell a proposal's author the technical team's verdict and its reason."""
    proposal = Proposal.objects.select_related("author", "process").filter(pk=proposal_id).first()
    if proposal is None or proposal.author is None or not proposal.author.email or not proposal.author.is_active:
        return 0
    if not proposal.is_visible_to(proposal.author):
        return 0
    context = {"proposal": proposal, "url": absolute_url(proposal.url)}
    return _mail("evaluated", context, [proposal.author.email])


@task()
def notify_project_followers(update_id: int) -> int:
    """Mail the people who follow a tracked project about its new update."""
    update = ProjectUpdate.objects.select_related("project__process", "project__proposal").filter(pk=update_id).first()
    if update is None:
        return 0
    project = update.project
    content_type, object_pk = discussion_key(project)
    user_ids = Follow.objects.filter(content_type=content_type, object_pk=object_pk).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="").order_by("pk")
    recipients = [user.email for user in users if project.is_visible_to(user)]
    context = {"project": project, "update": update, "url": absolute_url(project.url)}
    return _mail("project_update", context, recipients)


@task()
def reindex_edition(process_id: int) -> int:
    """Rewrite the search documents of an edition, its proposals, projects and comments
    (their phase facet has just changed)."""
    if not BudgetProcessPage.objects.filter(pk=process_id).exists():
        return 0
    indexing.queue([key("page", process_id)])
    return 1


def schedule_phase_reindex(process: BudgetProcessPage) -> int:
    """With a worker (``TASKS_BACKEND=database``), rewrite the edition's documents at the
    start of each phase still to come, once per start; without one, ``search_check``
    (cron) repairs the phase. Returns how many were scheduled."""
    if not reindex_edition.get_backend().supports_defer:
        return 0
    now, scheduled = timezone.now(), 0
    for _phase, starts in process.phase_starts():
        if starts <= now:
            continue
        marker = f"budgets:phase-reindex:{process.pk}:{starts.isoformat()}"
        if cache.add(marker, 1, int((starts - now + timedelta(hours=1)).total_seconds())):
            reindex_edition.using(run_after=starts).enqueue(process_id=process.pk)
            scheduled += 1
    return scheduled
