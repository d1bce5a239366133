"""The demonstration editions, as ``make run`` shows them."""

import contextlib
import io

import pytest
from bs4 import BeautifulSoup
from pabulib.checker import Checker

from budgets import exports, selectors
from budgets.models import Ballot, BudgetProcessPage, Proposal, TrackedProject
from tests.site import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_edition_in_its_voting_phase_and_one_in_follow_up(client):
    seed_demo()

    current = BudgetProcessPage.objects.get(slug="presupuesto-participativo-2027")
    past = BudgetProcessPage.objects.get(slug="presupuesto-participativo-2026")
    assert current.phase == "voting" and past.phase == "follow_up"
    proposals = Proposal.objects.filter(process=current)
    assert proposals.values("territory").distinct().count() >= 4
    assert {"viable", "not_viable", "pending"} <= set(proposals.values_list("viability", flat=True))
    ballots = Ballot.objects.valid().filter(process=current)
    assert ballots.filter(channel="web").exists() and ballots.exclude(channel="web").count() >= 40
    assert current.get_translations().filter(locale__language_code="en", live=True).exists()

    run = selectors.published_run(past)
    assert run is not None and TrackedProject.objects.filter(process=past, updates__isnull=False).exists()
    for outcome in selectors.outcomes(run):
        with contextlib.redirect_stdout(io.StringIO()):
            checked = Checker().process_files([exports.pb_file(past, run, outcome.result)])
        assert checked["metadata"]["valid"] == 1, checked

    home = BeautifulSoup(client.get("/es/").content, "html.parser")
    links = {link["href"] for link in home.select(".home-budgets a")}
    assert current.url + current.reverse_subpage("ballot") in links
    assert past.url + past.reverse_subpage("followup") in links
