"""The search page in both languages, its JSON twin, suggestions, and the header box."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from discussions import services
from tests.accounts.factories import ParticipantFactory
from tests.parsed import soup, text, texts
from tests.search.conftest import index_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def contribution(database_only, consultation):
    consultation.save_revision().publish()
    author = ParticipantFactory(display_name="Rosa Huamán")
    contribution = services.contribution_create(
        target=consultation, author=author.user, text="Audiencias públicas <b>en</b> Jaén, por favor."
    )
    index_now()
    return contribution


def _search_url(language: str) -> str:
    with translation.override(language):
        return reverse("search:page")


def _hit(page, url: str):
    """The hit whose title links to ``url``."""
    return next(hit for hit in page.select("main ol.hits > li.hit") if hit.select_one(".hit__title a")["href"] == url)


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_search_lives_at_buscar_in_spanish_and_search_in_english():  # the addresses are the subject
    assert _search_url("es") == "/es/buscar/"
    assert _search_url("en") == "/en/search/"


def test_the_page_lists_hits_with_their_place_facets_and_highlights(client, contribution, consultation):
    response = client.get(_search_url("es"), {"q": "audiencias jaen"})
    assert response.status_code == 200
    page = soup(response)
    hit = _hit(page, f"{consultation.url}#c{contribution.pk}")
    assert texts(hit, ".hit__snippet mark") == ["Audiencias", "Jaén"]
    assert hit.find("b") is None  # the author's markup is not live HTML
    assert "Rosa Huamán" in texts(hit, ".hit__meta span")
    assert text(page.select_one("main .facets #facets-heading")) == "Filtrar los resultados"
    assert page.select_one("main .facet__selected") is None


def test_a_selected_facet_is_marked_and_links_back_to_removing_it(client, contribution):
    response = client.get(_search_url("es"), {"q": "audiencias", "territory": "cajamarca"})
    (selected,) = soup(response).select("main .facets a.facet__selected[aria-current=true]")
    assert _query(selected["href"]) == {"q": ["audiencias"]}  # the same search without the facet


def test_nothing_found_explains_and_proposes_a_spelling(client, contribution):
    response = client.get(_search_url("es"), {"q": "audeinciass"})
    page = soup(response)
    suggestion = page.select_one("main .search-empty__suggestion")
    assert response.status_code == 200
    assert text(page.select_one("main #results-heading")).startswith("0 resultados")
    assert text(suggestion).startswith("¿Quiso decir")
    assert _query(suggestion.a["href"]) == {"q": ["audiencias"]}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 10_000},
        {"q": "\x00\x1b🌱"},
        {"q": '"presupuesto'},
        {"q": "agua", "page": "abc"},
        {"q": "agua", "page": "99999999999999"},
        {"q": "agua", "from": "ayer", "to": "2025-13-45"},
        {"q": "agua", "territory": "<script>", "sort": "random"},
    ],
)
def test_bad_input_gets_a_page_not_an_error(client, contribution, params):
    response = client.get(_search_url("es"), params)
    assert response.status_code == 200
    assert soup(response).select("main script") == []


def test_the_api_returns_the_same_results_as_json(client, contribution, consultation):
    response = client.get(reverse("search_api:results"), {"q": "audiencias", "kind": "contribution", "per_page": "500"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["hits"][0]["url"] == f"http://testserver{consultation.url}#c{contribution.pk}"
    assert data["hits"][0]["kind"] == "contribution"
    assert "<mark>" in data["hits"][0]["snippet_html"]
    assert {facet["name"] for facet in data["facets"]} >= {"kind", "territory", "sector"}
    assert data["engine"] == "database" and data["fallback"] is False


def test_suggestions_complete_titles_for_the_search_box(client, contribution, consultation):
    response = client.get(reverse("search_api:suggest"), {"q": "presupuesto parti"})
    titles = [item["title"] for item in response.json()["suggestions"]]
    assert consultation.title in titles
    assert client.get(reverse("search_api:suggest"), {"q": "p"}).json()["suggestions"] == []
    spanish = client.get(reverse("search_api:suggest"), {"q": "presupuesto parti", "lang": "es"}).json()
    assert consultation.title in [item["title"] for item in spanish["suggestions"]]
    english = client.get(reverse("search_api:suggest"), {"q": "presupuesto parti", "lang": "en"}).json()
    assert english["suggestions"] == []  # the consultation has no English translation


def test_every_page_has_a_search_box_in_its_header(client, home_page):
    form = soup(client.get(home_page.url)).select_one("header form[role=search]")
    assert form["action"] == _search_url("es")
    assert form.select_one("input[type=search][name=q]") is not None
