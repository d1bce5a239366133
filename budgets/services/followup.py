"""Follow-up: the winning projects become tracked projects, updated with dated news."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.log_actions import log

from discussions.errors import NotAllowed, NotFound, Refused
from discussions.rules import participant_refusal
from discussions.services import subscription_set

from .. import rules, selectors, signals
from ..models import BudgetProcessPage, ProjectStatus, ProjectUpdate, ProjectUpdatePhoto, TrackedProject
from .proposals import uploads_collection

MAX_PHOTOS = 4


@transaction.atomic
def followup_start(*, process: BudgetProcessPage, manager) -> list[TrackedProject]:
    """Make every winner of the published count (by the edition's rule) a tracked project.
    Running it again adds nothing twice."""
    if not rules.can_manage(manager):
        raise NotAllowed(_("Only the planning office can start the follow-up."))
    run = selectors.published_run(process)
    if run is None:
        raise Refused(_("There are no published results to follow up yet: count the ballots after voting closes."))
    created = []
    for outcome in selectors.outcomes(run):
        for winner in outcome.winners:
            proposal = winner.proposal
            project, was_created = TrackedProject.objects.get_or_create(
                proposal=proposal,
                defaults={
                    "process": process,
                    "territory_id": proposal.territory_id,
                    "title": proposal.title,
                    "budget": winner.cost,
                    "cui": proposal.cui,
                },
            )
            if was_created:
                created.append(project)
                signals.project_changed.send(sender=TrackedProject, project=project, action="created")
    log(instance=process, action="budgets.followup", user=manager, data={"projects": len(created)})
    return created


@transaction.atomic
def project_update_post(
    *,
    project: TrackedProject,
    author,
    text: str,
    status: str,
    progress: int,
    budget_executed: int,
    day: date | None = None,
    photos: Sequence = (),
    moment: datetime | None = None,
) -> ProjectUpdate:
    """A dated update: what happened, and the project's status, progress and spending
    now. Followers are mailed after the commit."""
    if not rules.can_update_projects(author):
        raise NotAllowed(_("Only the planning office and the technical team can update projects."))
    moment = moment or timezone.now()
    day = day or timezone.localdate(moment)
    text = (text or "").strip()
    if not text:
        raise Refused(_("Say what happened: the update is published with its date."))
    if status not in ProjectStatus.values:
        raise Refused(_("Choose the project's status."))
    if progress is None or not 0 <= progress <= 100:
        raise Refused(_("Progress is a percentage, from 0 to 100."))
    if budget_executed is None or budget_executed < 0:
        raise Refused(_("Give the budget executed in soles."))
    if day > timezone.localdate(moment):
        raise Refused(_("An update cannot be dated in the future."))
    if len(photos) > MAX_PHOTOS:
        raise Refused(_("An update takes up to %(count)d photos.") % {"count": MAX_PHOTOS})
    update = ProjectUpdate.objects.create(
        project=project,
        date=day,
        text=text,
        status=status,
        progress=progress,
        budget_executed=budget_executed,
        author=author,
        created_at=moment,
    )
    collection, image_model = uploads_collection(), get_image_model()
    for position, upload in enumerate(photos, start=1):
        image = image_model(
            title=f"{project.title} · {day:%Y-%m-%d} ({position})"[:255],
            file=upload,
            collection=collection,
            uploaded_by_user=author,
        )
        image._set_image_file_metadata()
        image.save()
        ProjectUpdatePhoto.objects.create(update=update, image=image)
    latest = project.updates.order_by("-date", "-pk").first()
    if latest.pk == update.pk:  # an update dated earlier than the latest one changes only the history
        project.status, project.progress, project.budget_executed = status, progress, budget_executed
    project.updated_at = moment
    project.save(update_fields=["status", "progress", "budget_executed", "updated_at"])
    log(
        instance=project,
        action="budgets.project_update",
        user=author,
        data={"status": status, "progress": progress, "budget_executed": budget_executed, "date": day.isoformat()},
    )
    signals.project_changed.send(sender=TrackedProject, project=project, action="updated", update=update)
    return update


def project_follow(*, project: TrackedProject, user, following: bool, session=None) -> bool:
    """Follow a tracked project: mail on each update."""
    if not project.is_visible_to(user, session):
        raise NotFound(_("This page does not exist."))
    refusal = participant_refusal(user)
    if refusal is not None and following:
        raise refusal
    return subscription_set(user=user, subject=project, following=following)
