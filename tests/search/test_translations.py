"""One hit per page, in the reader's language: a page translated into English is found
once by each reader — the English version by English readers, the Spanish original by
Spanish ones — and the facets name a plan or consultation once, in the reader's language.
A page without a translation is found in its original by everyone; a contribution
(which belongs to the original's discussion) leads each reader to their version."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from wagtail.models import Locale

from discussions import services
from search import query
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory
from tests.search.conftest import reindex
from tests.site import english_home, home_page

pytestmark = pytest.mark.django_db


def _translate(page, **fields):
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    for name, value in fields.items():
        setattr(english, name, value)
    english.save_revision().publish()
    english.refresh_from_db()  # its address, after the new slug
    return english


@pytest.fixture
def pages(engine, plan, consultation):
    english_home(home_page())
    english_plan = _translate(plan, title="Open Government Action Plan", slug="open-government-plan")
    english = _translate(consultation, title="Open participatory budget", slug="open-participatory-budget")
    untranslated = ConsultationPageFactory(parent=plan, title="Presupuesto de obras en Jaén")
    contribution = services.contribution_create(
        target=consultation, author=ParticipantFactory().user, text="Que el presupuesto se vote en cada provincia."
    )
    reindex()
    return {
        "plan": plan,
        "english_plan": english_plan,
        "consultation": consultation,
        "english": english,
        "untranslated": untranslated,
        "contribution": contribution,
    }


def _search(language: str, **params) -> query.SearchResults:
    with translation.override(language):
        return query.search({"q": ["presupuesto"], **{name: [value] for name, value in params.items()}})


def _text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def _found(results, kind: str) -> set[tuple[str, str]]:
    return {(_text(hit.title_html), hit.url) for hit in results.hits if hit.kind == kind}


def _facet(results, name: str) -> dict[str, str]:
    facet = next(facet for facet in results.facets if facet.name == name)
    return {item.value: item.label for item in facet.values}


def test_each_reader_finds_a_translated_consultation_once_in_their_language(pages):
    original, english, untranslated = pages["consultation"], pages["english"], pages["untranslated"]

    assert _found(_search("es"), "consultation") == {
        (original.title, original.url),
        (untranslated.title, untranslated.url),
    }
    assert _found(_search("en"), "consultation") == {
        (english.title, english.url),
        (untranslated.title, untranslated.url),  # no English version: the original
    }


def test_a_translated_plan_is_found_once_and_labelled_in_the_readers_language(pages):
    plan, english_plan = pages["plan"], pages["english_plan"]
    with translation.override("en"):
        english = query.search({"q": [""], "kind": ["plan"]})
    with translation.override("es"):
        spanish = query.search({"q": [""], "kind": ["plan"]})

    assert _found(spanish, "plan") == {(plan.title, plan.url)}
    assert _found(english, "plan") == {(english_plan.title, english_plan.url)}
    assert _facet(spanish, "plan") == {str(plan.pk): plan.title}
    assert _facet(english, "plan") == {str(plan.pk): english_plan.title}


def test_facets_name_each_consultation_once_whatever_version_matched(pages):
    original, english = pages["consultation"], pages["english"]
    with translation.override("en"):
        results = query.search({"q": [""]})

    labels = _facet(results, "consultation")
    assert labels[str(original.pk)] == english.title
    assert str(english.pk) not in labels
    assert len(labels) == 2  # the translated consultation and the untranslated one


def test_a_contribution_leads_each_reader_to_their_version_of_its_page(pages):
    contribution, original, english = pages["contribution"], pages["consultation"], pages["english"]

    spanish_hit = next(hit for hit in _search("es", kind="contribution").hits)
    english_hit = next(hit for hit in _search("en", kind="contribution").hits)

    assert (spanish_hit.url, _text(spanish_hit.title_html)) == (f"{original.url}#c{contribution.pk}", original.title)
    assert (english_hit.url, _text(english_hit.title_html)) == (f"{english.url}#c{contribution.pk}", english.title)
    assert english_hit.consultation_title == english.title
    assert english_hit.plan_title == pages["english_plan"].title
