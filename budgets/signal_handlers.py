"""What follows a change in the participatory budget: counting, mail, anonymising.

Receivers run in the service's transaction; work that leaves the process (mail, the
count) is queued for after the commit.
"""

from django.db import transaction

from accounts.signals import participant_deleting

from . import signals, tasks
from .models import Proposal, ResultRun, TrackedProject
from .services import proposals


def proposal_changed(sender, proposal, action, notify=True, **kwargs):
    if action == "evaluated" and notify:
        pk = proposal.pk
        transaction.on_commit(lambda: tasks.notify_evaluation.enqueue(proposal_id=pk))


def project_changed(sender, project, action, update=None, **kwargs):
    if action == "updated" and update is not None:
        pk = update.pk
        transaction.on_commit(lambda: tasks.notify_project_followers.enqueue(update_id=pk))


def count_requested(sender, run, **kwargs):
    pk = run.pk
    transaction.on_commit(lambda: tasks.count_ballots.enqueue(run_id=pk))


def author_leaving(sender, user, former_name, **kwargs):
    proposals.proposals_anonymise(user=user, former_name=former_name)


def register_signal_handlers() -> None:
    signals.proposal_changed.connect(proposal_changed, sender=Proposal, dispatch_uid="budgets-proposal-changed")
    signals.project_changed.connect(project_changed, sender=TrackedProject, dispatch_uid="budgets-project-changed")
    signals.count_requested.connect(count_requested, sender=ResultRun, dispatch_uid="budgets-count-requested")
    participant_deleting.connect(author_leaving, dispatch_uid="budgets-author-leaving")
