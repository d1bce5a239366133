"""Reads for the participatory budget's pages."""

from dataclasses import dataclass, field

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, Q

from core.pages import children_in_language

from . import rules
from .models import (
    Ballot,
    BallotChoice,
    BudgetEnvelope,
    BudgetProcessPage,
    CountingRule,
    EnvelopeResult,
    Phase,
    ProjectResult,
    ProjectStatus,
    Proposal,
    ResultRun,
    RunStatus,
    Support,
    TrackedProject,
    Viability,
)

PROPOSALS_PER_PAGE = 20
ORDERINGS = {"apoyos": "-support_count", "recientes": "-created_at", "costo": "estimated_cost"}


@dataclass
class ProposalList:
    page: PaginatorPage
    territory: str
    category: str
    viability: str
    ordering: str
    total: int


def proposal_list(
    process: BudgetProcessPage,
    *,
    territory: str = "",
    category: str = "",
    viability: str = "",
    ordering: str = "",
    page_number=1,
) -> ProposalList:
    """The edition's public proposals (merged ones included, marked), filtered."""
    proposals = (
        Proposal.objects.public()
        .filter(process=process)
        .select_related("category", "territory", "merged_into")
        .prefetch_related("images__image")
    )
    if territory == "regional":
        proposals = proposals.filter(territory__isnull=True)
    elif territory:
        proposals = proposals.filter(territory__slug=territory)
    if category:
        proposals = proposals.filter(category__slug=category)
    if viability in Viability.values:
        proposals = proposals.filter(viability=viability)
    ordering = ordering if ordering in ORDERINGS else "apoyos"
    proposals = proposals.order_by(ORDERINGS[ordering], "-pk")
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(page_number)
    return ProposalList(
        page=page,
        territory=territory,
        category=category,
        viability=viability,
        ordering=ordering,
        total=page.paginator.count,
    )


def supported_ids(user, proposals) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Support.objects.filter(user=user, proposal__in=[proposal.pk for proposal in proposals]).values_list(
            "proposal_id", flat=True
        )
    )


def phase_counts(process: BudgetProcessPage) -> dict:
    """The figures the edition's page shows in every phase."""
    proposals = Proposal.objects.public().filter(process=process)
    figures = proposals.aggregate(
        total=Count("pk"),
        viable=Count("pk", filter=Q(viability=Viability.VIABLE, merged_into__isnull=True)),
        not_viable=Count("pk", filter=Q(viability=Viability.NOT_VIABLE)),
    )
    figures["ballots"] = Ballot.objects.valid().filter(process=process).count()
    return figures


def editions_under(page) -> list[BudgetProcessPage]:
    """The public editions below ``page`` (a home page) — its original's where they have no
    translation yet — the most recent first; those in follow-up after the others."""
    editions = children_in_language(
        page, BudgetProcessPage.objects.live().public().order_by("-voting_opens_at"), descendants=True
    )
    return sorted(editions, key=lambda edition: edition.phase == Phase.FOLLOW_UP)


# --- the ballot -----------------------------------------------------------------------------
@dataclass
class EnvelopeBallot:
    """One envelope of a voter's ballot as the page shows it: its candidates, what is
    chosen, and what is left."""

    envelope: BudgetEnvelope
    candidates: list[Proposal]
    chosen_ids: set[int]
    max_choices: int | None
    votes: dict[int, int] = field(default_factory=dict)

    @property
    def chosen(self) -> list[Proposal]:
        return [proposal for proposal in self.candidates if proposal.pk in self.chosen_ids]

    @property
    def spent(self) -> int:
        return sum(proposal.cost for proposal in self.chosen)

    @property
    def left(self) -> int:
        return self.envelope.amount - self.spent

    @property
    def choices_left(self) -> int | None:
        return None if self.max_choices is None else self.max_choices - len(self.chosen)

    @property
    def spent_share(self) -> int:
        return min(100, round(100 * self.spent / self.envelope.amount)) if self.envelope.amount else 0

    def fits(self, proposal: Proposal) -> bool:
        if proposal.pk in self.chosen_ids:
            return True
        if self.max_choices is not None:
            return len(self.chosen) < self.max_choices
        return proposal.cost <= self.left


def candidates_of(process: BudgetProcessPage, envelopes: list[BudgetEnvelope]) -> dict[int | None, list[Proposal]]:
    """The viable proposals of each envelope (by province id; None: region-wide), by title."""
    territory_ids = [envelope.territory_id for envelope in envelopes]
    condition = Q(territory_id__in=[pk for pk in territory_ids if pk is not None])
    if None in territory_ids:
        condition |= Q(territory__isnull=True)
    found: dict[int | None, list[Proposal]] = {pk: [] for pk in territory_ids}
    proposals = (
        Proposal.objects.candidates()
        .filter(condition, process=process)
        .select_related("category", "territory", "process")
        .order_by("title", "pk")
    )
    for proposal in proposals:
        found[proposal.territory_id].append(proposal)
    return found


def ballot_for(
    process: BudgetProcessPage, territory, chosen_ids: set[int], *, with_votes: bool
) -> list[EnvelopeBallot]:
    envelopes = process.voter_envelopes(territory)
    candidates = candidates_of(process, envelopes)
    votes = vote_counts(process) if with_votes else {}
    max_choices = process.max_choices if process.ballot_kind == "approval" else None
    ballots = []
    for envelope in envelopes:
        listed = candidates[envelope.territory_id]
        item = EnvelopeBallot(
            envelope=envelope,
            candidates=listed,
            chosen_ids={pk for pk in chosen_ids if pk in {proposal.pk for proposal in listed}},
            max_choices=max_choices,
            votes=votes,
        )
        for proposal in listed:
            proposal.chosen = proposal.pk in item.chosen_ids
            proposal.fits = item.fits(proposal)
            proposal.shown_votes = votes.get(proposal.pk, 0)
        ballots.append(item)
    return ballots


def vote_counts(process: BudgetProcessPage) -> dict[int, int]:
    """Votes per proposal in valid ballots (shown only when ``rules.counts_visible``)."""
    rows = (
        BallotChoice.objects.filter(ballot__process=process, ballot__annulled_at__isnull=True)
        .values("proposal_id")
        .annotate(votes=Count("pk"))
        .order_by()
    )
    return {row["proposal_id"]: row["votes"] for row in rows}


# --- results ----------------------------------------------------------------------------------
def published_run(process: BudgetProcessPage) -> ResultRun | None:
    """The count the public sees: the latest finished one made after voting closed."""
    if process.phase_at() not in (Phase.RESULTS, Phase.FOLLOW_UP):
        return None
    return ResultRun.objects.filter(process=process, status=RunStatus.DONE, final=True).first()


def running_run(process: BudgetProcessPage) -> ResultRun | None:
    return ResultRun.objects.filter(process=process, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()


@dataclass
class EnvelopeOutcome:
    result: EnvelopeResult
    projects: list[ProjectResult]
    rule: str

    @property
    def other_rule(self) -> str:
        return CountingRule.GREEDY if self.rule == CountingRule.EQUAL_SHARES else CountingRule.EQUAL_SHARES

    @property
    def other_rule_label(self) -> str:
        return CountingRule(self.other_rule).short_label

    @property
    def winners(self) -> list[ProjectResult]:
        return [project for project in self.projects if project.selected(self.rule)]

    @property
    def other_winners(self) -> list[ProjectResult]:
        return [project for project in self.projects if project.selected(self.other_rule)]

    @property
    def spent(self) -> int:
        return self.result.spent(self.rule)

    @property
    def left(self) -> int:
        return self.result.left(self.rule)

    @property
    def other_spent(self) -> int:
        return self.result.spent(self.other_rule)

    @property
    def same_winners(self) -> bool:
        return {p.proposal_id for p in self.winners} == {p.proposal_id for p in self.other_winners}

    @property
    def only_official(self) -> list[ProjectResult]:
        return [project for project in self.winners if not project.selected(self.other_rule)]

    @property
    def only_other(self) -> list[ProjectResult]:
        return [project for project in self.other_winners if not project.selected(self.rule)]


def outcomes(run: ResultRun) -> list[EnvelopeOutcome]:
    envelopes = list(run.envelopes.select_related("territory").prefetch_related("projects__proposal__category"))
    envelopes.sort(key=lambda result: (result.territory_id is None, result.name))
    return [EnvelopeOutcome(result=result, projects=list(result.projects.all()), rule=run.rule) for result in envelopes]


# --- follow-up --------------------------------------------------------------------------------
def tracked_projects(process: BudgetProcessPage, *, territory: str = "", status: str = "") -> list[TrackedProject]:
    projects = TrackedProject.objects.filter(process=process, proposal__hidden=False).select_related(
        "territory", "proposal__category"
    )
    if territory == "regional":
        projects = projects.filter(territory__isnull=True)
    elif territory:
        projects = projects.filter(territory__slug=territory)
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    return list(projects.order_by("territory__name", "title"))


def followup_summary(projects: list[TrackedProject]) -> dict:
    budget = sum(project.budget for project in projects)
    executed = sum(project.budget_executed for project in projects)
    by_status = dict.fromkeys(ProjectStatus.values, 0)
    for project in projects:
        by_status[project.status] += 1
    return {
        "count": len(projects),
        "budget": budget,
        "executed": executed,
        "executed_share": round(100 * executed / budget) if budget else 0,
        "by_status": [(ProjectStatus(status).label, count) for status, count in by_status.items()],
    }


def visible_counts(process: BudgetProcessPage) -> bool:
    return rules.counts_visible(process)
