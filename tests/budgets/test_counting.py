"""The counting rules on pabutools, without the database: known elections, ties, and
agreement with Pabulib's own checker on random elections."""

import contextlib
import io
import random

import pytest
from pabulib.checker import Checker

from budgets import pabulib
from budgets.counting import PABULIB_RULES, EnvelopeInput, count_envelope, equal_shares, greedy


def _election(groups: list[tuple[int, set[str]]], costs: dict[str, int], amount: int) -> EnvelopeInput:
    ballots = [frozenset(choice) for count, choice in groups for _ in range(count)]
    return EnvelopeInput(key="jaen", amount=amount, costs=costs, ballots=ballots)


# 60 voters want the A projects, 40 the B projects; each project costs some 40 % of the envelope.
MAJORITY_AND_MINORITY = _election(
    [(60, {"1", "2", "3"}), (40, {"4", "5"})],
    {"1": 40_000, "2": 41_000, "3": 42_000, "4": 43_000, "5": 44_000},
    100_000,
)


def test_greedy_funds_the_most_voted_while_the_money_lasts():
    outcome = greedy(MAJORITY_AND_MINORITY)

    assert outcome.selected == {"1", "2"}
    assert outcome.spent == 81_000


def test_equal_shares_gives_a_minority_its_share_of_the_envelope():
    outcome = equal_shares(MAJORITY_AND_MINORITY)

    assert outcome.selected == {"1", "4"}  # 60 % and 40 % of the voters each get a project


def test_greedy_skips_a_project_that_no_longer_fits_and_takes_a_cheaper_one():
    election = _election([(10, {"1"}), (8, {"2"}), (5, {"3"})], {"1": 70, "2": 50, "3": 30}, 100)

    assert greedy(election).selected == {"1", "3"}


def test_a_project_nobody_voted_for_is_never_funded():
    election = _election([(3, {"1"})], {"1": 10, "2": 5}, 100)

    assert greedy(election).selected == {"1"}
    assert equal_shares(election).selected == {"1"}


def test_ties_go_to_the_cheaper_project_then_the_older_proposal():
    cheaper = _election([(5, {"1"}), (5, {"2"})], {"1": 60, "2": 50}, 100)
    same_cost = _election([(10, {"7", "3"})], {"7": 60, "3": 60}, 100)

    assert greedy(cheaper).selected == {"2"}
    assert greedy(same_cost).selected == {"3"}
    assert equal_shares(same_cost).selected == {"3"}


def test_an_envelope_without_ballots_funds_nothing():
    election = EnvelopeInput(key="regional", amount=1000, costs={"1": 100}, ballots=[])

    outcome = count_envelope(election)

    assert outcome.voters == 0
    assert outcome.outcomes["greedy"].selected == set() == outcome.outcomes["equal_shares"].selected


def _random_election(seed: int) -> EnvelopeInput:
    rng = random.Random(seed)
    costs = {str(number): rng.randint(10, 200) * 10 + number for number in range(1, 9)}
    weights = [rng.random() ** 2 for _ in costs]
    ballots = [frozenset(rng.choices(list(costs), weights=weights, k=rng.randint(1, 3))) for _ in range(40)]
    supported_cost = sum(cost for project, cost in costs.items() if any(project in ballot for ballot in ballots))
    # The checker's add1 never ends when every supported project fits: keep the envelope short of it.
    amount = min(rng.randint(200, 600) * 10, supported_cost - 1)
    return EnvelopeInput(key="jaen", amount=amount, costs=costs, ballots=ballots)


@pytest.mark.parametrize("seed", range(12))
def test_the_doubling_completion_of_equal_shares_agrees_with_adding_one_sol_at_a_time(seed):
    election = _random_election(seed)

    assert equal_shares(election).selected == equal_shares(election, linear=True).selected


def _pb(election: EnvelopeInput, rule: str, selected: set[str]) -> str:
    votes = election.votes()
    order = sorted(election.costs, key=lambda project: (-votes[project], election.costs[project], int(project)))
    meta = {
        "description": "Prueba",
        "country": "Peru",
        "unit": "Cajamarca",
        "subunit": "Jaén",
        "instance": "2027",
        "num_projects": len(order),
        "num_votes": len(election.ballots),
        "budget": election.amount,
        "vote_type": "approval",
        "rule": PABULIB_RULES[rule],
        "date_begin": "01.06.2027",
        "date_end": "30.06.2027",
        "min_project_score_threshold": 1 if rule == "greedy" else None,
        "language": "es",
        "currency": "PEN",
    }
    projects = [
        {
            "project_id": p,
            "cost": election.costs[p],
            "votes": votes[p],
            "name": f"Proyecto {p}",
            "selected": int(p in selected),
        }
        for p in order
    ]
    ballots = [
        {"voter_id": f"v{number}", "vote": ",".join(sorted(ballot, key=int)), "voting_method": "internet"}
        for number, ballot in enumerate(election.ballots)
    ]
    return pabulib.write(meta, projects, ballots)


def check(text: str) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return Checker().process_files([text])


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rule", ["greedy", "equal_shares"])
def test_pabulibs_checker_finds_the_same_winners_in_random_elections(seed, rule):
    election = _random_election(seed)
    outcome = count_envelope(election).outcomes[rule]

    result = check(_pb(election, rule, outcome.selected))

    assert result["metadata"] == {"processed": 1, "valid": 1, "invalid": 0}, result


def test_pabulibs_checker_rejects_a_file_whose_winners_do_not_follow_the_rule():
    election = _random_election(3)
    outcome = greedy(election)
    wrong = set(list(outcome.selected)[1:]) | (set(election.costs) - outcome.selected)

    result = check(_pb(election, "greedy", wrong))

    assert result["metadata"]["invalid"] == 1


def test_a_written_file_reads_back_as_the_same_election():
    election = _random_election(5)

    again, meta, selected = pabulib.read(_pb(election, "equal_shares", {"1"}))

    assert again.costs == election.costs
    assert sorted(map(sorted, again.ballots)) == sorted(map(sorted, election.ballots))
    assert again.amount == election.amount
    assert meta["rule"] == "equalshares/add1"
    assert selected == {"1"}


def test_separators_and_line_breaks_in_names_cannot_break_the_file():
    text = pabulib.write(
        {"description": "a;b\nc", "budget": 10},
        [{"project_id": "1", "cost": 5, "name": "Agua; y\nsaneamiento"}],
        [{"voter_id": "x", "vote": "1"}],
    )

    assert "description;a,b c" in text.splitlines()
    assert "1;5;;Agua, y saneamiento;;" in text.splitlines()
