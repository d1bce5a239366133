"""Counting the ballots: a run is requested (by staff, or the ``budgets_count``
command), then counted in the background envelope by envelope with both rules, its
progress saved as it goes so the admin can show it."""

import logging
from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from discussions.errors import NotAllowed, Refused

from .. import counting, rules, signals
from ..models import (
    BallotChoice,
    BudgetProcessPage,
    EnvelopeResult,
    Phase,
    ProjectResult,
    Proposal,
    ResultRun,
    RunStatus,
)
from .ballots import accounts_unlink

logger = logging.getLogger(__name__)


@transaction.atomic
def count_request(*, process: BudgetProcessPage, user=None, moment: datetime | None = None) -> ResultRun:
    """Ask for a count (run by a background task after the commit). ``user`` None: the
    operator, from the command line."""
    if user is not None and not rules.can_manage(user):
        raise NotAllowed(_("Only the planning office can count the ballots."))
    phase = process.phase_at(moment)
    if phase not in (Phase.RESULTS, Phase.FOLLOW_UP):
        raise NotAllowed(
            _("Ballots are counted once voting closes, on %(date)s.") % {"date": rules.when(process.voting_closes_at)}
        )
    if (
        ResultRun.objects.select_for_update()
        .filter(process=process, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .exists()
    ):
        raise Refused(_("A count of this edition is already under way."), status=409)
    run = ResultRun.objects.create(process=process, rule=process.counting_rule, requested_by=user, final=True)
    if user is not None:
        log(instance=process, action="budgets.count", user=user, data={"run": run.pk})
    signals.count_requested.send(sender=ResultRun, run=run)
    return run


def envelope_inputs(process: BudgetProcessPage) -> tuple[list[counting.EnvelopeInput], int]:
    """Every envelope's candidates and the valid ballots' choices among them, as the
    counting takes them (envelopes without candidates left out); and how many ballots
    chose at least one candidate."""
    envelopes = process.envelope_list
    candidates = Proposal.objects.candidates().filter(process=process)
    costs: dict[int | None, dict[str, int]] = {envelope.territory_id: {} for envelope in envelopes}
    for pk, territory_id, cost in candidates.values_list("pk", "territory_id", "evaluated_cost"):
        if territory_id in costs:
            costs[territory_id][str(pk)] = cost
    known = {pk: territory_id for territory_id, projects in costs.items() for pk in projects}
    chosen: dict[int | None, dict[int, set[str]]] = {territory_id: defaultdict(set) for territory_id in costs}
    choices = (
        BallotChoice.objects.filter(ballot__process=process, ballot__annulled_at__isnull=True)
        .values_list("ballot_id", "proposal_id")
        .order_by()
    )
    ballots = set()
    for ballot_id, proposal_id in choices.iterator(chunk_size=20_000):
        project = str(proposal_id)
        if project in known:
            chosen[known[project]][ballot_id].add(project)
            ballots.add(ballot_id)
    inputs = [
        counting.EnvelopeInput(
            key=envelope.key,
            amount=envelope.amount,
            costs=costs[envelope.territory_id],
            ballots=[frozenset(projects) for projects in chosen[envelope.territory_id].values()],
        )
        for envelope in envelopes
        if costs[envelope.territory_id]  # an envelope without candidates has nothing to count
    ]
    return inputs, len(ballots)


def _progress(run: ResultRun, done: float, step: str) -> None:
    """Saved at once, outside any transaction, so the admin sees it while the count runs."""
    ResultRun.objects.filter(pk=run.pk).update(progress=min(99, int(done)), step=step[:200])


def count_run(run: ResultRun) -> ResultRun:
    """Count every envelope of ``run``'s edition with both rules and store the results
    together, at the end: a half-finished count is never shown."""
    process = run.process
    ResultRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=0)
    try:
        inputs, ballots = envelope_inputs(process)
        envelopes = {envelope.key: envelope for envelope in process.envelope_list}
        outcomes = []
        for position, envelope in enumerate(inputs):
            share = 100 / max(len(inputs), 1)
            name = envelopes[envelope.key].name

            def on_pass(passes: int, position=position, share=share, name=name) -> None:
                # The completion's runs: the first few move the bar most.
                _progress(run, position * share + share * passes / (passes + 4), f"{name}: {passes}")

            _progress(run, position * share, name)
            outcomes.append(counting.count_envelope(envelope, on_pass))
        _store(run, outcomes, envelopes, ballots)
    except Exception as error:
        logger.exception("Counting run %s of %s failed", run.pk, process)
        ResultRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"
        )
        run.refresh_from_db()
        return run
    if run.final:
        accounts_unlink(process)
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(run: ResultRun, outcomes: list[counting.EnvelopeOutcome], envelopes: dict, ballots: int) -> None:
    for outcome in outcomes:
        envelope = envelopes[outcome.key]
        greedy, equal_shares = outcome.outcomes[counting.GREEDY], outcome.outcomes[counting.EQUAL_SHARES]
        result = EnvelopeResult.objects.create(
            run=run,
            territory_id=envelope.territory_id,
            amount=outcome.amount,
            voters=outcome.voters,
            greedy_spent=greedy.spent,
            equal_shares_spent=equal_shares.spent,
            greedy_seconds=greedy.seconds,
            equal_shares_seconds=equal_shares.seconds,
        )
        costs = dict(
            Proposal.objects.filter(pk__in=[int(pk) for pk in outcome.votes]).values_list("pk", "evaluated_cost")
        )
        ProjectResult.objects.bulk_create(
            [
                ProjectResult(
                    envelope=result,
                    proposal_id=int(project),
                    cost=costs[int(project)],
                    votes=votes,
                    greedy_selected=project in greedy.selected,
                    equal_shares_selected=project in equal_shares.selected,
                )
                for project, votes in outcome.votes.items()
            ]
        )
    ResultRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, step="", finished_at=timezone.now(), ballots_counted=ballots
    )
