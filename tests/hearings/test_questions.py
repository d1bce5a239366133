"""Asking and supporting on the web: the hearing's own limits, and the queue's order."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from core.models import Territory
from discussions.errors import NotAllowed, Refused, TooManyPosts
from discussions.models import Channel, Reaction
from hearings import selectors, services
from hearings.models import HearingQuestion, QuestionState
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _kept(page: BeautifulSoup) -> str:
    """The text given back in the form (a browser drops the textarea's first newline)."""
    return page.select_one("textarea[name=text]").get_text().removeprefix("\n")


def _ask_url(hearing) -> str:
    return hearing.url + hearing.reverse_subpage("ask")


def test_a_participant_asks_on_the_web_and_finds_the_question_in_the_queue(client, hearing, participant):
    client.force_login(participant.user)
    jaen = Territory.objects.get(slug="jaen")
    topic = next(iter(hearing.topic_titles))

    response = client.post(
        _ask_url(hearing), {"text": "¿Cuándo abre la posta de Fila Alta?", "topic": topic, "territory": jaen.pk}
    )

    question = HearingQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{hearing.url}#c{question.contribution_id}"
    contribution = question.contribution
    assert (contribution.channel, contribution.user, contribution.author_territory) == (
        Channel.WEB,
        participant.user,
        jaen,
    )
    assert (question.state, contribution.section_anchor) == (QuestionState.PENDING, topic)
    article = _soup(client.get(hearing.url)).select_one(f"[data-queue] #c{question.contribution_id}")
    assert "¿Cuándo abre la posta de Fila Alta?" in article.get_text()
    assert "Jaén" in article.select_one(".question__province").get_text()


def test_a_question_outside_the_window_is_refused_with_the_window_shown(client, hearing, participant):
    hearing.questions_open_at = timezone.now() + timedelta(days=1)
    hearing.save_revision().publish()
    client.force_login(participant.user)

    response = client.post(_ask_url(hearing), {"text": "Una pregunta demasiado temprana"})

    assert response.status_code == 403
    page = _soup(response)
    assert "Todavía no se reciben preguntas" in page.select_one("[role=alert]").get_text()
    assert "Se reciben preguntas del" in page.select_one("[role=alert]").get_text()
    assert _kept(page) == "Una pregunta demasiado temprana"
    assert not HearingQuestion.objects.exists()


def test_questions_close_with_the_window_and_the_refusal_shows_it(hearing, participant, ask):
    hearing.questions_close_at = timezone.now() - timedelta(minutes=1)
    hearing.questions_open_at = timezone.now() - timedelta(days=2)
    hearing.save_revision().publish()

    with pytest.raises(NotAllowed) as refused:
        ask(participant, hearing=hearing)

    assert "Questions are closed" in str(refused.value.message)
    assert "Questions are received from" in str(refused.value.message)


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Escriba su pregunta"), ("¿Por qué? " * 60, "Las preguntas tienen como máximo 500 caracteres")],
)
def test_an_empty_or_too_long_question_is_refused_with_the_text_kept(client, hearing, participant, text, message):
    client.force_login(participant.user)

    response = client.post(_ask_url(hearing), {"text": text})

    assert response.status_code == 400
    page = _soup(response)
    assert message in page.select_one("[role=alert]").get_text()
    assert _kept(page) == text
    assert not HearingQuestion.objects.exists()


def test_the_same_question_asked_again_is_refused_and_points_to_the_first(client, hearing, participant, other, ask):
    first = ask(participant, text="¿Cuándo llega el agua a Fila Alta?")
    client.force_login(other.user)

    response = client.post(_ask_url(hearing), {"text": "¿cuándo llega el agua a FILA ALTA"})

    assert response.status_code == 409
    page = _soup(response)
    assert "Esta pregunta ya se hizo" in page.select_one("[role=alert]").get_text()
    assert page.select_one("[role=alert] a")["href"] == f"{hearing.url}#c{first.contribution_id}"
    assert _kept(page) == "¿cuándo llega el agua a FILA ALTA"
    assert HearingQuestion.objects.count() == 1


def test_asking_twice_yourself_says_it_is_there_once(hearing, participant, ask):
    ask(participant, text="¿Cuándo llega el agua a Fila Alta?")

    with pytest.raises(services.DuplicateQuestion) as refused:
        ask(participant, text="¿Cuándo llega el agua a Fila Alta?")

    assert "You have already asked this question" in str(refused.value.message)
    assert HearingQuestion.objects.count() == 1


def test_a_withdrawn_question_may_be_asked_again(hearing, participant, ask):
    from discussions.services import contribution_withdraw

    first = ask(participant, text="¿Cuándo llega el agua a Fila Alta?")
    contribution_withdraw(contribution=first.contribution, author=participant.user)

    again = ask(participant, text="¿Cuándo llega el agua a Fila Alta?")

    assert again.pk != first.pk


def test_a_participant_asking_too_often_is_told_to_wait(settings, hearing, participant, ask):
    settings.HEARINGS_QUESTIONS_PER_HOUR = 2
    ask(participant, text="Primera pregunta")
    ask(participant, text="Segunda pregunta")

    with pytest.raises(TooManyPosts) as refused:
        ask(participant, text="Tercera pregunta")

    assert refused.value.status == 429
    assert HearingQuestion.objects.count() == 2


def test_the_rate_limit_answers_429_with_the_text_kept(settings, client, hearing, participant, ask):
    settings.HEARINGS_QUESTIONS_PER_HOUR = 1
    ask(participant, text="Primera pregunta")
    client.force_login(participant.user)

    response = client.post(_ask_url(hearing), {"text": "Segunda pregunta"})

    assert response.status_code == 429
    assert _kept(_soup(response)) == "Segunda pregunta"


def test_a_topic_the_hearing_does_not_have_is_refused(hearing, participant, ask):
    with pytest.raises(Refused):
        ask(participant, topic="tema-999999")


def test_a_visitor_who_is_not_signed_in_cannot_ask(client, hearing):
    response = client.post(_ask_url(hearing), {"text": "Pregunta anónima"})

    assert response.status_code == 403
    assert not HearingQuestion.objects.exists()


def test_support_counts_once_per_participant(client, hearing, participant, other, ask):
    question = ask(participant)
    client.force_login(other.user)
    url = hearing.url + hearing.reverse_subpage("support", args=(question.contribution_id,))

    for _ in range(3):
        client.post(url, {"supporting": "1"})

    question.contribution.refresh_from_db()
    assert question.contribution.support_count == 1
    assert Reaction.objects.filter(contribution=question.contribution).count() == 1
    client.post(url, {"supporting": "0"})
    question.contribution.refresh_from_db()
    assert question.contribution.support_count == 0


def test_nobody_supports_their_own_question(hearing, participant, ask):
    question = ask(participant)

    with pytest.raises(NotAllowed):
        services.question_support(question=question, user=participant.user)


def test_disagreeing_is_not_offered_on_a_hearing(hearing, participant, other, ask):
    from discussions.services import reaction_set

    question = ask(participant)

    with pytest.raises(Refused):
        reaction_set(contribution=question.contribution, user=other.user, kind="disagree")

    assert not Reaction.objects.exists()


def test_the_queue_orders_by_support_then_by_time(hearing, ask):
    askers = ParticipantFactory.create_batch(3)
    early, middle, late = (ask(asker, text=f"Pregunta {number}") for number, asker in enumerate(askers))
    for supporter in ParticipantFactory.create_batch(2):
        services.question_support(question=late, user=supporter.user)
    services.question_support(question=middle, user=askers[0].user)

    queue = selectors.question_queue(hearing, user=None)

    assert [node.contribution.pk for node in queue.pending] == [
        late.contribution_id,
        middle.contribution_id,
        early.contribution_id,
    ]


def test_the_generic_discussion_form_cannot_post_to_a_hearing(client, hearing, participant, ask):
    """Questions come only through the hearing's own form and its limits."""
    from django.urls import reverse

    question = ask(participant)
    client.force_login(participant.user)

    reply_form = client.get(reverse("discussions:reply", args=[question.contribution_id]))
    posted = client.post(
        reverse("discussions:post"),
        {"content_type": "hearings.hearingpage", "object_pk": str(hearing.pk), "comment": "X" * 3000},
    )
    edited = client.post(reverse("discussions:edit", args=[question.contribution_id]), {"comment": "Cambiada"})

    assert (reply_form.status_code, posted.status_code, edited.status_code) == (404, 403, 403)
    assert HearingQuestion.objects.count() == 1
    question.contribution.refresh_from_db()
    assert question.contribution.comment == "¿Cuándo llegan los médicos especialistas a Chota?"
