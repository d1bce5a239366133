"""Background work of the participatory budget: counting, and mail after the commit."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from core.links import absolute_url
from discussions.models import Follow, discussion_key

from .models import ProjectUpdate, Proposal, ResultRun, RunStatus
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
