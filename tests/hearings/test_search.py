"""Questions and answers of hearings are searchable, with the facets hearing, channel,
question status and province — on each search engine."""

import pytest
from django.urls import reverse

from discussions.models import Channel
from discussions.services import moderation_remove
from hearings import services
from search import query
from tests.search.conftest import engine, index_now  # noqa: F401 - each search engine in turn

pytestmark = pytest.mark.django_db


def _search(**params) -> query.SearchResults:
    return query.search({name: [value] if isinstance(value, str) else value for name, value in params.items()})


def _facet(results, name) -> dict[str, tuple[str, int]]:
    found = next((facet for facet in results.facets if facet.name == name), None)
    return {value.value: (value.label, value.count) for value in found.values} if found else {}


@pytest.fixture
def questions(engine, hearing, participant, moderator, government, ask):  # noqa: F811
    from core.models import Territory

    web = ask(
        participant, text="¿Cuándo llega el agua potable a Fila Alta?", territory=Territory.objects.get(slug="jaen")
    )
    radio = services.question_enter(
        hearing=hearing,
        staff=government,
        channel=Channel.RADIO,
        text="¿Quién arregla la carretera de Bambamarca?",
        asker_name="Juan Carlos",
        territory=Territory.objects.get(slug="hualgayoc"),
    )
    services.question_put_on_air(question=web, moderator=moderator)
    services.question_answered_in_room(question=web, moderator=moderator, answer="El reservorio se entrega en agosto.")
    services.hearing_close(hearing=hearing, moderator=moderator)
    services.written_answer_record(
        question=radio, user=government, text="Transportes licita el mantenimiento en marzo."
    )
    index_now()
    return web, radio


def test_questions_and_answers_are_found_with_the_hearings_facets(hearing, questions):
    _web, radio = questions

    results = _search(q="carretera Bambamarca")

    kinds = {hit.kind for hit in results.hits}
    assert kinds == {"hearing_question"}
    assert _facet(results, "hearing") == {str(hearing.pk): (hearing.title, 1)}
    assert _facet(results, "channel")["radio"][1] == 1
    assert _facet(results, "question_status") == {"answered_writing": ("Answered in writing", 1)}
    assert _facet(results, "territory") == {"hualgayoc": ("Hualgayoc", 1)}
    assert results.hits[0].url == f"{hearing.url}#c{radio.contribution_id}"


def test_an_answer_is_found_by_its_own_words_and_shows_what_it_answers(hearing, questions):
    web, _radio = questions

    results = _search(q="reservorio agosto")

    answer = next(hit for hit in results.hits if hit.kind == "hearing_answer")
    assert answer.url == f"{hearing.url}#c{web.contribution_id}"
    assert "Fila Alta" in answer.context and answer.kind_label == "Answer at a hearing"


def test_filters_combine_hearing_status_channel_and_province(hearing, questions):
    results = _search(hearing=str(hearing.pk), question_status="answered_room", channel="web", territory="jaen")

    assert {hit.kind for hit in results.hits} == {"hearing_question", "hearing_answer"}
    assert results.total == 2


def test_a_question_removed_by_moderation_leaves_the_index_with_its_answer(hearing, questions, admin_user):
    web, _radio = questions

    moderation_remove(contribution=web.contribution, moderator=admin_user, reason="Datos personales")
    index_now()

    assert _search(q="Fila Alta").total == 0
    assert _search(q="reservorio").total == 0


def test_an_unpublished_hearing_takes_its_questions_and_answers_out(hearing, questions):
    hearing.unpublish()
    index_now()

    assert _search(hearing=str(hearing.pk)).total == 0


def test_the_search_page_offers_the_hearing_facets(client, hearing, questions):
    response = client.get(reverse("search:page"), {"q": "carretera", "hearing": str(hearing.pk)})

    text = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert hearing.title in text and "Question status" in text
