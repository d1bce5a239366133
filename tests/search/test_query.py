"""The query service on each engine: filters and facet counts, dates, order, pages,
highlights that are safe HTML, "did you mean", and forgiving reading of parameters."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from core.models import Sector, Territory
from discussions import services
from search import query
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory
from tests.search.conftest import reindex

pytestmark = pytest.mark.django_db

VOICES = [
    # display name, sector, territory, text, days ago
    ("Rosa Huamán", Sector.CIVIL_SOCIETY, "jaen", "Audiencias públicas del presupuesto participativo en Jaén.", 400),
    ("Colegio de Ingenieros", Sector.ACADEMIA, "jaen", "El presupuesto debe publicar cada obra con su avance.", 30),
    ("Cámara de Comercio", Sector.PRIVATE_SECTOR, "chota", "Presupuesto por resultados y obras de riego en Chota.", 20),
    ("Juan Vásquez", Sector.CITIZEN, "cajamarca", "Agua potable para los caseríos <script>alert(1)</script>.", 10),
    ("Mesa de Concertación", Sector.CIVIL_SOCIETY, "celendin", "Que las rondas campesinas vigilen el presupuesto.", 5),
]


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(parent=plan, title="Transparencia en la gestión regional")


@pytest.fixture
def corpus(consultation):
    contributions = []
    for name, sector, territory, text, days in VOICES:
        participant = ParticipantFactory(
            display_name=name, sector=sector, territory=Territory.objects.get(slug=territory)
        )
        contribution = services.contribution_create(
            target=consultation,
            author=participant.user,
            text=text,
            check_rules=False,
            submitted_at=timezone.now() - timedelta(days=days),
        )
        contributions.append(contribution)
    return contributions


@pytest.fixture
def indexed(engine, corpus):
    reindex()
    return corpus


def _facet(results, name) -> dict[str, int]:
    facet = next((facet for facet in results.facets if facet.name == name), None)
    return {item.value: item.count for item in facet.values} if facet else {}


def test_facets_count_what_matched_and_each_facet_ignores_its_own_filter(indexed):
    results = query.search({"q": ["presupuesto"], "kind": ["contribution"]})
    assert results.total == 4
    assert _facet(results, "territory") == {"jaen": 2, "chota": 1, "celendin": 1}
    assert _facet(results, "sector") == {"civil_society": 2, "academia": 1, "private_sector": 1}

    in_jaen = query.search({"q": ["presupuesto"], "kind": ["contribution"], "territory": ["jaen"]})
    assert in_jaen.total == 2
    # The other provinces stay in the list, with their counts, to widen the choice...
    assert _facet(in_jaen, "territory") == {"jaen": 2, "chota": 1, "celendin": 1}
    # ...while the other facets count only Jaén's.
    assert _facet(in_jaen, "sector") == {"civil_society": 1, "academia": 1}
    both = query.search({"q": ["presupuesto"], "kind": ["contribution"], "territory": ["jaen", "chota"]})
    assert both.total == 3


def test_filters_combine_across_facets(indexed):
    results = query.search({"q": [""], "territory": ["jaen"], "sector": ["academia"]})
    assert [hit.author for hit in results.hits] == ["Colegio de Ingenieros"]


def test_a_date_range_and_newest_first(indexed):
    today = timezone.localdate()
    recent = query.search({"q": ["presupuesto"], "kind": ["contribution"], "from": [str(today - timedelta(days=25))]})
    assert [hit.author for hit in recent.hits] == ["Mesa de Concertación", "Cámara de Comercio"]
    newest = query.search({"q": [""], "kind": ["contribution"], "sort": ["newest"]})
    assert [hit.author for hit in newest.hits][:2] == ["Mesa de Concertación", "Juan Vásquez"]
    year = str(datetime.now().year - 1)
    assert query.search({"q": [""], "kind": ["contribution"], "to": [f"{year}-12-31"]}).total == (
        1 if (timezone.now() - timedelta(days=400)).year <= int(year) else 0
    )


def test_highlights_mark_the_words_and_keep_the_text_inert(indexed):
    results = query.search({"q": ["agua caserios"]})
    assert results.total == 1
    snippet = results.hits[0].snippet_html
    assert "<mark>Agua</mark>" in snippet
    assert "<mark>caseríos</mark>" in snippet
    assert "<script>" not in snippet
    title = query.search({"q": ["transparencia agua"], "kind": ["contribution"]}).hits[0].title_html
    assert "<mark>Transparencia</mark>" in title  # the consultation's title is the hit's title


def test_relevance_puts_the_closest_match_first(indexed):
    results = query.search({"q": ["rondas campesinas"]})
    assert results.hits[0].author == "Mesa de Concertación"


def test_a_page_past_the_end_shows_the_last_page_and_says_so(indexed):
    with translation.override("en"):
        results = query.search({"q": [""], "page": ["999"]}, per_page=2)
    assert results.page == results.pages == -(-results.total // 2)
    assert results.hits
    assert any("last one is shown" in notice for notice in results.notices)


def test_nothing_found_proposes_a_spelling_that_finds_something(indexed):
    results = query.search({"q": ["prsupeusto"]})  # two mistakes: too many to tolerate
    assert results.total == 0
    assert results.suggestion == "presupuesto"
    assert query.search({"q": [results.suggestion]}).total > 0


def test_unknown_filter_values_are_dropped_with_a_notice(indexed):
    with translation.override("en"):
        results = query.search({"q": ["presupuesto"], "territory": ["atlantida"], "year": ["20x5"], "kind": ["<b>"]})
    assert results.filters == {}
    assert results.total > 0
    assert any("3 filter values were not recognised" in notice for notice in results.notices)


@pytest.mark.parametrize("typed", ['"', "- -- * ~", "🌱💧", "\x00\x01", "a" * 10_000, "de la y"])
def test_awkward_queries_give_a_sensible_answer(indexed, typed):
    results = query.search({"q": [typed]})
    assert results.total >= 0
    assert results.page == 1
