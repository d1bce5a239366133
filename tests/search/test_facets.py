"""Facets come from a registry: a host registers its own (a participatory budget's
proposal phase, here registered by this test module only) and both engines store,
filter, count and label its values, carried in ``Document.facets``, without any change
to the search app."""

from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from search import facets, query
from search.documents import Document
from search.engines import database_engine

pytestmark = pytest.mark.django_db

PHASES = {"submission": "Presentación", "evaluation": "Evaluación", "voting": "Votación"}


@pytest.fixture
def phase_facet():
    facet = facets.register(
        facets.Facet(
            field="budget_phase",
            parameter="fase",
            title=gettext_lazy("Phase"),
            labels=lambda values: {value: PHASES[value] for value in values if value in PHASES},
            order=75,
        )
    )
    yield facet
    facets.unregister(facet.field)


def _proposal(number: int, phase: str, text: str) -> tuple[str, Document]:
    document = Document(
        id=f"budget_proposal-{number}",
        kind="contribution",
        title=f"Propuesta {number}",
        text=text,
        url=f"/es/presupuesto/propuestas/{number}/",  # a stored document's address: data, not a route
        language="es",
        created=datetime(2026, 3, number, tzinfo=UTC),
        territories=["jaen"],
        facets={"budget_phase": [phase]},
    )
    return f"budget_proposal:{number}", document


@pytest.fixture
def proposals(engine, phase_facet):
    pairs = [
        _proposal(1, "voting", "Riego tecnificado para los caseríos de Jaén."),
        _proposal(2, "voting", "Riego y reservorios en las alturas."),
        _proposal(3, "evaluation", "Riego por goteo en San Ignacio."),
        _proposal(4, "submission", "Una biblioteca comunal."),
    ]
    database_engine().write(pairs)
    if engine.name != "database":
        engine.write(pairs)
    engine.refresh()
    return pairs


def _facet(results, name: str) -> list[tuple[str, str, int]]:
    facet = next(facet for facet in results.facets if facet.name == name)
    return [(item.value, item.label, item.count) for item in facet.values]


def test_a_hosts_facet_is_counted_and_labelled_among_the_others(proposals):
    with translation.override("es"):
        results = query.search({"q": ["riego"]})

    assert results.total == 3
    assert _facet(results, "fase") == [("voting", "Votación", 2), ("evaluation", "Evaluación", 1)]
    # In the sidebar where its order puts it: after the provinces, before the years.
    assert [facet.name for facet in results.facets] == ["kind", "territory", "fase", "year"]


def test_a_hosts_facet_filters_and_counts_with_the_other_facets_filters(proposals):
    results = query.search({"q": ["riego"], "fase": ["voting"]})

    assert results.total == 2
    assert {hit.url for hit in results.hits} == {document.url for _key, document in proposals[:2]}
    # Its own filter left out of its counts: the other phases stay to choose from.
    assert {value: count for value, _label, count in _facet(results, "fase")} == {"voting": 2, "evaluation": 1}


def test_an_unknown_value_of_a_hosts_facet_is_dropped_with_a_notice(proposals):
    with translation.override("en"):
        results = query.search({"q": ["riego"], "fase": ["approved"]})

    assert results.filters == {}
    assert results.total == 3
    assert any("One filter value was not recognised" in notice for notice in results.notices)
