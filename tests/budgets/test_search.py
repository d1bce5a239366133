"""Proposals, winning projects and comments of the participatory budget are searchable,
with the facets province, category, phase, viability and project status — on each
search engine; hidden and merged proposals leave the index."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from budgets import tasks
from budgets.models import ProjectStatus, TrackedProject
from budgets.services import followup, proposals
from discussions.services import contribution_create
from search import query
from search.engines import get_engine
from tests.search.conftest import engine, index_now, reindex  # noqa: F401 - each search engine in turn

from . import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def _search(**params) -> query.SearchResults:
    return query.search({name: [value] if isinstance(value, str) else value for name, value in params.items()})


def _command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return " ".join(out.getvalue().split())


def _facet(results, name) -> dict[str, tuple[str, int]]:
    found = next((facet for facet in results.facets if facet.name == name), None)
    return {value.value: (value.label, value.count) for value in found.values} if found else {}


@pytest.fixture
def indexed(engine, voting, candidates):  # noqa: F811
    """The edition's proposals (stored directly by the factories), indexed by a rebuild."""
    reindex()
    return candidates


@pytest.fixture
def project(voting, candidates, planner):
    """The Chota water project, won and tracked, with an update posted through the service."""
    proposal = candidates["chota"]
    tracked = TrackedProject.objects.create(
        proposal=proposal, process=voting, territory=proposal.territory, title=proposal.title, budget=380
    )
    followup.project_update_post(
        project=tracked,
        author=planner,
        text="Se aprobó el expediente técnico del reservorio de Cabracancha.",
        status=ProjectStatus.TECHNICAL_FILE,
        progress=15,
        budget_executed=40,
    )
    index_now()
    return tracked


def test_proposals_are_found_with_the_budget_facets(voting, indexed):
    results = _search(q="reservorio Bellavista")

    assert [hit.kind for hit in results.hits] == ["budget_proposal"]
    assert results.hits[0].url == indexed["reservorio"].url
    assert _facet(results, "territory") == {"jaen": ("Jaén", 1)}
    assert _facet(results, "category") == {"agua-y-saneamiento": ("Water and sanitation", 1)}
    assert _facet(results, "phase") == {"voting": ("Voting", 1)}
    assert _facet(results, "viability") == {"viable": ("Viable", 1)}


def test_filters_combine_province_viability_and_phase(voting, indexed):
    results = _search(kind="budget_proposal", territory="jaen", viability="not_viable", phase="voting")

    assert [hit.url for hit in results.hits] == [indexed["carretera"].url]
    assert _facet(_search(kind="budget_proposal", territory="chota"), "viability") == {"viable": ("Viable", 2)}


def test_a_region_wide_proposal_has_no_province(voting, indexed):
    results = _search(q="Telemedicina regional")

    assert results.hits[0].kind == "budget_proposal" and _facet(results, "territory") == {}


def test_a_hidden_proposal_leaves_the_index_with_its_comments(voting, indexed, planner, author):
    reservorio = indexed["reservorio"]
    contribution_create(target=reservorio, author=author.user, text="El reservorio de Bellavista urge en verano.")
    index_now()
    assert {hit.kind for hit in _search(q="Bellavista").hits} == {"budget_proposal", "contribution"}

    proposals.proposal_hide(proposal=reservorio, manager=planner, hidden=True, reason="Datos personales")
    index_now()

    assert _search(q="Bellavista").total == 0
    proposals.proposal_hide(proposal=reservorio, manager=planner, hidden=False)
    index_now()
    assert _search(q="Bellavista").total == 2


def test_a_merged_proposal_leaves_the_index_and_its_target_stays(home_page, engine, author, planner):  # noqa: F811
    edition = factories.edition(home_page, phase="proposals")
    duplicate = factories.proposal(edition, author.user, title="Agua potable Cabracancha", viability="pending")
    target = factories.proposal(edition, author.user, title="Agua potable para Cabracancha", viability="pending")
    reindex()
    assert _search(q="Cabracancha").total == 2

    proposals.proposal_merge(source=duplicate, target=target, manager=planner)
    index_now()

    assert [hit.url for hit in _search(q="Cabracancha").hits] == [target.url]


def test_an_evaluation_changes_the_viability_facet(home_page, engine, author, technician):  # noqa: F811
    edition = factories.edition(home_page, phase="evaluation")
    proposal = factories.proposal(edition, author.user, title="Puente de Choros", viability="pending")
    reindex()
    assert _facet(_search(q="Choros"), "viability") == {"pending": ("Awaiting technical evaluation", 1)}

    proposals.proposal_evaluate(
        proposal=proposal, evaluator=technician, viability="not_viable", reason="Fuera de la competencia regional."
    )
    index_now()

    results = _search(q="Choros")
    assert _facet(results, "viability") == {"not_viable": ("Not viable", 1)}
    assert _facet(results, "phase") == {"evaluation": ("Technical evaluation", 1)}


def test_a_tracked_project_is_found_with_its_status_and_updates(voting, indexed, project):
    results = _search(q="expediente técnico Cabracancha", kind="budget_project")

    assert [hit.url for hit in results.hits] == [project.url]
    assert _facet(results, "project_status") == {"expediente": ("Technical file", 1)}
    assert _facet(results, "territory") == {"chota": ("Chota", 1)}


def test_a_projects_new_status_is_indexed(voting, indexed, project, planner):
    followup.project_update_post(
        project=project, author=planner, text="Obra en marcha.", status="en_ejecucion", progress=40, budget_executed=150
    )
    index_now()

    assert _search(project_status="en_ejecucion").total == 1
    assert _search(project_status="expediente").total == 0


def test_an_unpublished_edition_takes_its_proposals_and_projects_out(voting, indexed, project):
    voting.unpublish()
    index_now()

    assert _search(kind="budget_proposal").total == 0
    assert _search(kind="budget_project").total == 0
    assert _search(kind="budget").total == 0


def test_the_edition_itself_is_found(voting, indexed):
    results = _search(q="Presupuesto Participativo 2027", kind="budget")

    assert [hit.url for hit in results.hits] == [voting.url]


def test_the_phase_is_rewritten_when_the_edition_is_reindexed_after_a_phase_starts(voting, indexed, time_machine):
    time_machine.move_to(voting.voting_closes_at, tick=False)

    tasks.reindex_edition.call(process_id=voting.pk)
    index_now()

    assert _facet(_search(kind="budget_proposal"), "phase") == {"results": ("Results", 8)}


def test_without_a_worker_search_check_repairs_the_phase(voting, indexed, time_machine):
    time_machine.move_to(voting.voting_closes_at, tick=False)

    report = _command("search_check", "--dry-run")
    _command("search_check")
    get_engine().refresh()

    assert "out of date: budget-" in report and "budget_proposal-" in report
    assert _facet(_search(kind="budget_proposal"), "phase") == {"results": ("Results", 8)}
    assert "Database documents: in step" in _command("search_check", "--dry-run")


def test_the_search_page_offers_the_budget_facets(client, voting, indexed):
    response = client.get(reverse("search:page"), {"q": "Cabracancha", "territory": "chota"})

    page = BeautifulSoup(response.content, "html.parser")
    headings = {" ".join(element.get_text().split()) for element in page.select("fieldset legend, h2, h3")}
    assert response.status_code == 200
    assert {"Budget category", "Budget phase", "Viability"} <= headings
    assert page.find("a", href=indexed["chota"].url) is not None
