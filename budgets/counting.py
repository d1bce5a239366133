"""The counting rules, on pabutools (the reference implementation by the researchers who
defined them), for one envelope at a time. Nothing here touches the database: the same
functions count what the site stored and what a Pabulib file holds, which is how an
export is checked against the published result.

- **Greedy by votes** (``greedy-threshold`` in Pabulib, threshold 1): projects in order of
  votes, each funded if it still fits in what is left; a project nobody voted for is
  never funded. pabutools' greedy utilitarian rule with cost satisfaction (a project's
  score per sol is its number of votes).
- **Method of Equal Shares** (``equalshares/add1``): every voter controls an equal share
  of the envelope and projects are bought by their supporters' shares (pabutools'
  ``method_of_equal_shares`` with cost satisfaction); the envelope is then used up as
  Pabulib's ``add1`` completion does — each voter's share grows by one sol at a time
  while the outcome still fits in the real envelope (see :func:`equal_shares`).

Ties (same votes, or the same price per voter) go to the cheaper project, then the one
with more votes, then the older proposal (lower number): the order Pabulib's checker
expects.
"""

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pabutools.election import ApprovalBallot, ApprovalMultiProfile, Cost_Sat, Instance, Project
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"
#: The rules' names in Pabulib files.
PABULIB_RULES = {GREEDY: "greedy-threshold", EQUAL_SHARES: "equalshares/add1"}


@dataclass(frozen=True)
class EnvelopeInput:
    """One envelope to count: its amount, its candidate projects (id → cost) and the
    ballots that chose at least one of them (each a set of project ids)."""

    key: str
    amount: int
    costs: dict[str, int]
    ballots: list[frozenset[str]]

    def votes(self) -> Counter:
        counts = Counter(dict.fromkeys(self.costs, 0))
        for ballot in self.ballots:
            counts.update(ballot)
        return counts


@dataclass
class RuleOutcome:
    selected: set[str]
    spent: int
    seconds: float


@dataclass
class EnvelopeOutcome:
    key: str
    amount: int
    voters: int
    votes: Counter
    outcomes: dict[str, RuleOutcome] = field(default_factory=dict)


def _election(envelope: EnvelopeInput) -> tuple[Instance, ApprovalMultiProfile, dict[str, Project]]:
    projects = {name: Project(name, cost) for name, cost in envelope.costs.items()}
    instance = Instance(projects.values(), budget_limit=envelope.amount)
    ballots = [ApprovalBallot(projects[name] for name in ballot) for ballot in envelope.ballots if ballot]
    profile = ApprovalMultiProfile(instance=instance)
    profile.extend(ballot.frozen() for ballot in ballots)
    return instance, profile, projects


def _tie_breaking(envelope: EnvelopeInput, votes: Counter) -> TieBreakingRule:
    """Cheaper first, then more votes, then the lower proposal number."""
    return TieBreakingRule(
        lambda instance, profile, project: (project.cost, -votes[project.name], _number(project.name))
    )


def _number(name: str) -> tuple[int, str]:
    return (int(name), name) if name.isdigit() else (0, name)


def greedy(envelope: EnvelopeInput) -> RuleOutcome:
    started = time.perf_counter()
    votes = envelope.votes()
    _instance, profile, projects = _election(envelope)
    voted = Instance((project for name, project in projects.items() if votes[name] > 0), budget_limit=envelope.amount)
    selected = set()
    if profile.num_ballots():
        allocation = greedy_utilitarian_welfare(
            voted, profile, sat_class=Cost_Sat, tie_breaking=_tie_breaking(envelope, votes)
        )
        selected = {project.name for project in allocation}
    return RuleOutcome(selected, sum(envelope.costs[name] for name in selected), time.perf_counter() - started)


def equal_shares(
    envelope: EnvelopeInput, on_pass: Callable[[int], None] | None = None, *, linear: bool = False
) -> RuleOutcome:
    """MES with cost satisfaction, completed as Pabulib's ``add1``.

    ``add1`` raises every voter's share by one sol at a time and keeps the last outcome
    that still fits in the envelope. Counted one sol at a time, a small edition (a few
    hundred voters sharing millions of soles) would need tens of thousands of runs of
    MES, so the first share that overspends is found by doubling the raise, then halving
    the interval: a few dozen runs. The two agree whenever spending grows with the share
    (MES does not promise it, but no counter-example has been seen: the tests compare
    both on random elections, and ``budgets_verify --linear`` counts one sol at a time).

    ``on_pass(n)`` is called after each run of MES.
    """
    started = time.perf_counter()
    votes = envelope.votes()
    instance, profile, _projects = _election(envelope)
    voters = profile.num_ballots()
    if not voters:
        return RuleOutcome(set(), 0, time.perf_counter() - started)
    sat_profile = profile.as_sat_profile(sat_class=Cost_Sat)
    tie_breaking = _tie_breaking(envelope, votes)
    supported = {name for name, count in votes.items() if count > 0}
    passes = 0

    def run(budget: int) -> set[str]:
        nonlocal passes
        instance.budget_limit = budget  # MES gives each voter budget / voters
        allocation = method_of_equal_shares(instance, profile, sat_profile=sat_profile, tie_breaking=tie_breaking)
        passes += 1
        if on_pass is not None:
            on_pass(passes)
        return {project.name for project in allocation}

    def cost(selection: Iterable[str]) -> int:
        return sum(envelope.costs[name] for name in selection)

    base = (envelope.amount // voters) * voters

    def raised(step: int) -> tuple[bool, set[str]]:
        """MES with every share raised by ``step`` sols: (overspends?, selection)."""
        selection = run(base + step * voters)
        return cost(selection) > envelope.amount, selection

    selected = run(envelope.amount)
    fits, step = 0, 1  # ``fits``: the largest raise known to fit, whose outcome is ``selected``
    while selected != supported:
        overspends, selection = raised(step)
        if overspends:
            break
        fits, selected = step, selection
        step = step + 1 if linear else step * 2
    else:
        instance.budget_limit = envelope.amount
        return RuleOutcome(selected, cost(selected), time.perf_counter() - started)
    overspending = step
    while overspending - fits > 1:
        middle = (fits + overspending) // 2
        overspends, selection = raised(middle)
        if overspends:
            overspending = middle
        else:
            fits, selected = middle, selection
    instance.budget_limit = envelope.amount
    return RuleOutcome(selected, cost(selected), time.perf_counter() - started)


RULES: dict[str, Callable] = {GREEDY: greedy, EQUAL_SHARES: equal_shares}


def count_envelope(envelope: EnvelopeInput, on_pass: Callable[[int], None] | None = None) -> EnvelopeOutcome:
    """Both rules on one envelope."""
    outcome = EnvelopeOutcome(
        key=envelope.key,
        amount=envelope.amount,
        voters=sum(1 for ballot in envelope.ballots if ballot),
        votes=envelope.votes(),
    )
    outcome.outcomes[GREEDY] = greedy(envelope)
    outcome.outcomes[EQUAL_SHARES] = equal_shares(envelope, on_pass)
    return outcome
