"""What follows a change in the participatory budget: counting, mail, indexing, anonymising.

Receivers run in the service's transaction; work that leaves the process (mail, the
count) is queued for after the commit.
"""

from django.db import transaction
from wagtail.signals import page_published

from accounts.signals import participant_deleting
from search import indexing

from . import signals, tasks
from .models import BudgetProcessPage, Proposal, ResultRun, TrackedProject
from .services import proposals

#: Proposal changes that alter nothing search keeps (the support count is not indexed).
UNINDEXED_ACTIONS = {"supported"}


def proposal_changed(sender, proposal, action, notify=True, **kwargs):
    if action not in UNINDEXED_ACTIONS:
        indexing.queue_changed(proposal)
    if action == "evaluated" and notify:
        pk = proposal.pk
        transaction.on_commit(lambda: tasks.notify_evaluation.enqueue(proposal_id=pk))


def project_changed(sender, project, action, update=None, **kwargs):
    indexing.queue_changed(project)
    if action == "updated" and update is not None:
        pk = update.pk
        transaction.on_commit(lambda: tasks.notify_project_followers.enqueue(update_id=pk))


def count_requested(sender, run, **kwargs):
    pk = run.pk
    transaction.on_commit(lambda: tasks.count_ballots.enqueue(run_id=pk))


def edition_published(sender, instance, **kwargs):
    tasks.schedule_phase_reindex(instance)


def author_leaving(sender, user, former_name, **kwargs):
    proposals.proposals_anonymise(user=user, former_name=former_name)


def register_signal_handlers() -> None:
    signals.proposal_changed.connect(proposal_changed, sender=Proposal, dispatch_uid="budgets-proposal-changed")
    signals.project_changed.connect(project_changed, sender=TrackedProject, dispatch_uid="budgets-project-changed")
    signals.count_requested.connect(count_requested, sender=ResultRun, dispatch_uid="budgets-count-requested")
    page_published.connect(edition_published, sender=BudgetProcessPage, dispatch_uid="budgets-edition-published")
    participant_deleting.connect(author_leaving, dispatch_uid="budgets-author-leaving")
