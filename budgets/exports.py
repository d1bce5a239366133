"""Open data of a counted edition, so anyone can recompute the result: per envelope a
Pabulib ``.pb`` file (anonymised ballots and the projects, with votes and the official
rule's selection), and the results and ballots as CSV and JSON.

Ballots appear under their random number, with their channel (web or paper) and their
choices in that envelope: never the voter, their account, DNI hash, age, sex, district
or the time they voted.
"""

import csv
import io
import json
from collections import defaultdict

from django.utils import timezone

from core.spreadsheets import formula_safe

from . import pabulib
from .counting import PABULIB_RULES
from .models import Ballot, BallotChoice, BudgetProcessPage, Channel, CountingRule, EnvelopeResult, ResultRun


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _order_key(project) -> tuple:
    """Votes first, then the tie-breaks of the count (cheaper, then older): the checker
    reads greedy order from the file's order."""
    return (-project.votes, project.cost, project.proposal_id)


def envelope_ballots(process: BudgetProcessPage, result: EnvelopeResult) -> list[tuple[str, str, list[int]]]:
    """(ballot number, "internet"/"paper", chosen project ids) for each valid ballot with a
    choice among this envelope's projects, by ballot number."""
    projects = set(result.projects.values_list("proposal_id", flat=True))
    chosen: dict[int, list[int]] = defaultdict(list)
    choices = (
        BallotChoice.objects.filter(ballot__process=process, ballot__annulled_at__isnull=True, proposal_id__in=projects)
        .values_list("ballot_id", "proposal_id")
        .order_by()
    )
    for ballot_id, proposal_id in choices.iterator(chunk_size=20_000):
        chosen[ballot_id].append(proposal_id)
    ballots = Ballot.objects.filter(pk__in=list(chosen)).values_list("pk", "public_id", "channel")
    rows = [
        (public_id, "internet" if channel == Channel.WEB else "paper", sorted(chosen[pk]))
        for pk, public_id, channel in ballots.iterator(chunk_size=20_000)
    ]
    return sorted(rows)


def pb_file(process: BudgetProcessPage, run: ResultRun, result: EnvelopeResult) -> str:
    projects = sorted(result.projects.select_related("proposal__category"), key=_order_key)
    ballots = envelope_ballots(process, result)
    meta = {
        "description": f"{process.title} — {result.name}",
        "country": "Peru",
        "unit": "Cajamarca",
        "subunit": result.name,
        "instance": str(timezone.localtime(process.voting_opens_at).year),
        "num_projects": len(projects),
        "num_votes": len(ballots),
        "budget": result.amount,
        "vote_type": "approval",
        "rule": PABULIB_RULES[run.rule],
        "date_begin": _date(process.voting_opens_at),
        "date_end": _date(process.voting_closes_at),
        "min_length": 1,
        # No more than the envelope has: a limit above it says nothing, and Pabulib refuses it.
        "max_length": min(process.max_choices, len(projects)) if process.ballot_kind == "approval" else None,
        "max_sum_cost": result.amount if process.ballot_kind == "knapsack" else None,
        "min_project_score_threshold": 1 if run.rule == CountingRule.GREEDY else None,
        "language": "es",
        "currency": "PEN",
    }
    return pabulib.write(
        meta,
        (
            {
                "project_id": project.proposal_id,
                "cost": project.cost,
                "votes": project.votes,
                "name": project.proposal.title,
                "category": project.proposal.category.slug,
                "selected": int(project.selected(run.rule)),
            }
            for project in projects
        ),
        (
            {"voter_id": number, "vote": ",".join(str(pk) for pk in choices), "voting_method": method}
            for number, method, choices in ballots
        ),
    )


def pb_name(process: BudgetProcessPage, result: EnvelopeResult) -> str:
    return f"pabulib-{result.key}.pb"


def _project_rows(run: ResultRun):
    for result in run.envelopes.select_related("territory").order_by("territory__name"):
        for project in sorted(result.projects.select_related("proposal__category"), key=_order_key):
            yield result, project


def results_csv(run: ResultRun) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "envelope",
            "envelope_amount",
            "project_id",
            "title",
            "category",
            "district",
            "cost",
            "votes",
            "selected_greedy",
            "selected_equal_shares",
            "selected_official",
        ]
    )
    for result, project in _project_rows(run):
        proposal = project.proposal
        writer.writerow(
            [
                formula_safe(result.name),
                result.amount,
                project.proposal_id,
                formula_safe(proposal.title),
                formula_safe(proposal.category.name),
                formula_safe(proposal.district),
                project.cost,
                project.votes,
                int(project.greedy_selected),
                int(project.equal_shares_selected),
                int(project.selected(run.rule)),
            ]
        )
    return out.getvalue()


def ballots_csv(process: BudgetProcessPage, run: ResultRun) -> str:
    """One row per ballot and envelope: its number, how it was cast, what it chose there."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ballot", "envelope", "voting_method", "projects"])
    for result in run.envelopes.select_related("territory").order_by("territory__name"):
        for number, method, choices in envelope_ballots(process, result):
            writer.writerow([number, formula_safe(result.name), method, " ".join(str(pk) for pk in choices)])
    return out.getvalue()


def results_json(process: BudgetProcessPage, run: ResultRun, file_url) -> str:
    envelopes = []
    for result in run.envelopes.select_related("territory").order_by("territory__name"):
        projects = sorted(result.projects.select_related("proposal__category"), key=_order_key)
        envelopes.append(
            {
                "envelope": result.name,
                "key": result.key,
                "amount": result.amount,
                "voters": result.voters,
                "spent": {"greedy": result.greedy_spent, "equal_shares": result.equal_shares_spent},
                "pabulib": file_url(pb_name(process, result)),
                "projects": [
                    {
                        "id": project.proposal_id,
                        "title": project.proposal.title,
                        "category": project.proposal.category.slug,
                        "district": project.proposal.district,
                        "cost": project.cost,
                        "votes": project.votes,
                        "selected": {
                            "greedy": project.greedy_selected,
                            "equal_shares": project.equal_shares_selected,
                        },
                    }
                    for project in projects
                ],
            }
        )
    data = {
        "edition": process.title,
        "currency": "PEN",
        "ballot": {"kind": process.ballot_kind, "max_choices": process.max_choices},
        "official_rule": run.rule,
        "rules": {rule: PABULIB_RULES[rule] for rule in CountingRule.values},
        "voting": {"opens": process.voting_opens_at.isoformat(), "closes": process.voting_closes_at.isoformat()},
        "counted_at": run.finished_at.isoformat() if run.finished_at else None,
        "ballots_counted": run.ballots_counted,
        "envelopes": envelopes,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
