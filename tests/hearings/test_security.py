"""Attacks on a hearing: who may change the live state, enter and answer questions, and
whose name a question may carry."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from accounts.selectors import participant_data
from cocrea.asgi import application
from core.roles import GOVERNMENT
from discussions import live
from discussions.errors import NotAllowed, NotFound
from discussions.models import Channel, Contribution
from discussions.services import contribution_edit, contribution_withdraw
from hearings import services
from hearings.models import HearingClosure, HearingQuestion, QuestionState, Registration
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
ORIGIN = [(b"origin", b"http://localhost")]


def _route(hearing, name, *args) -> str:
    return hearing.url + hearing.reverse_subpage(name, args=args)


def _text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


# --- only moderators change the live state ------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "participant", "government"])
@pytest.mark.parametrize("action", ["al-aire", "respondida", "fuera-de-tema", "aprobar", "retirar"])
def test_only_moderators_change_the_live_state_through_the_console(
    client, hearing, participant, government, ask, who, action
):
    question = ask(participant)
    if who == "participant":
        client.force_login(ParticipantFactory().user)
    elif who == "government":
        client.force_login(government)

    response = client.post(
        _route(hearing, "console_action", question.contribution_id, action),
        {"answer": "Respuesta falsa", "reason": "Porque sí"},
    )

    assert response.status_code == 403
    question.refresh_from_db()
    question.contribution.refresh_from_db()
    assert question.state == QuestionState.PENDING and question.room_answer == ""
    assert question.contribution.status == "published"


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_only_moderators_open_the_console_or_close_the_hearing(client, hearing, participant, who):
    if who == "participant":
        client.force_login(participant.user)

    console = client.get(_route(hearing, "console"))
    closing = client.post(_route(hearing, "close"))

    assert (console.status_code, closing.status_code) == (403, 403)
    assert not HearingClosure.objects.exists()


def test_the_services_refuse_anyone_but_a_moderator(hearing, participant, government, ask):
    question = ask(participant)
    for user in (participant.user, government):
        with pytest.raises(NotAllowed):
            services.question_put_on_air(question=question, moderator=user)
        with pytest.raises(NotAllowed):
            services.question_answered_in_room(question=question, moderator=user, answer="Sí")
        with pytest.raises(NotAllowed):
            services.hearing_close(hearing=hearing, moderator=user)
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


def test_a_moderator_puts_on_air_and_records_the_answer(client, hearing, participant, moderator, ask):
    question = ask(participant)
    client.force_login(moderator)

    on_air = client.post(_route(hearing, "console_action", question.contribution_id, "al-aire"))
    answered = client.post(
        _route(hearing, "console_action", question.contribution_id, "respondida"),
        {"answer": "Llegan en agosto.", "video_time": "1:02:05"},
        HTTP_ACCEPT="application/json",
    )

    assert on_air.status_code == 302 and answered.json()["ok"]
    question.refresh_from_db()
    assert (question.state, question.room_answer, question.video_seconds) == (
        "answered_room",
        "Llegan en agosto.",
        3725,
    )


def test_a_removed_question_cannot_be_put_on_air(hearing, participant, moderator, admin_user, ask):
    from discussions.services import moderation_remove

    question = ask(participant)
    moderation_remove(contribution=question.contribution, moderator=admin_user, reason="Spam")

    with pytest.raises(NotFound):
        services.question_put_on_air(question=question, moderator=moderator)


# --- staff entries belong to nobody's account -------------------------------------------------------------
def test_a_staff_entry_has_no_account_behind_it_even_with_a_participants_name(client, hearing, participant, government):
    question = services.question_enter(
        hearing=hearing, staff=government, channel=Channel.RADIO, text="¿Y la carretera?", asker_name="Rosa Huamán"
    )

    contribution = question.contribution
    assert (contribution.user_id, contribution.user_email, contribution.ip_address) == (None, "", None)
    assert (contribution.author_display_name, contribution.author_sector, contribution.author_organisation) == (
        "Rosa Huamán",
        "",
        "",
    )
    mine = participant_data(user=participant.user)["contributions"]
    assert mine == []
    for attempt in (
        lambda: contribution_withdraw(contribution=contribution, author=participant.user),
        lambda: contribution_edit(contribution=contribution, editor=participant.user, text="Otra"),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    client.force_login(participant.user)
    assert client.post(reverse("discussions:withdraw", args=[contribution.pk])).status_code == 403
    assert Contribution.objects.get(pk=contribution.pk).comment == "¿Y la carretera?"


def test_the_staff_member_who_enters_a_question_is_not_its_author(hearing, government):
    ParticipantFactory(user=government, display_name="Gerencia de Planeamiento")

    question = services.question_enter(hearing=hearing, staff=government, channel=Channel.PAPER, text="Tarjeta")

    assert question.contribution.user_id is None
    assert question.contribution.author_display_name == "Anónimo" and question.anonymous
    assert question.entered_by == government
    assert participant_data(user=government)["contributions"] == []


def test_the_admin_form_takes_no_account_whatever_is_posted(client, hearing, participant, government):
    client.force_login(government)

    response = client.post(
        reverse("hearing_questions:add"),
        {
            "hearing": hearing.pk,
            "channel": Channel.WHATSAPP,
            "text": "¿Cuándo se arregla el puente?",
            "asker_name": "",
            "user": participant.user.pk,
            "contribution": "1",
            "author": participant.user.pk,
        },
    )

    assert response.status_code == 302
    contribution = HearingQuestion.objects.get().contribution
    assert contribution.user_id is None and contribution.channel == Channel.WHATSAPP


def test_a_web_question_cannot_pretend_to_come_from_another_channel(client, hearing, participant):
    client.force_login(participant.user)

    client.post(_route(hearing, "ask"), {"text": "Desde la radio", "channel": "radio", "asker_name": "Otro"})

    contribution = HearingQuestion.objects.get().contribution
    assert (contribution.channel, contribution.user, contribution.author_display_name) == (
        Channel.WEB,
        participant.user,
        "Rosa Huamán",
    )


@pytest.mark.parametrize("who", ["anonymous", "participant", "editor"])
def test_only_staff_with_the_permission_enter_questions(client, hearing, participant, editor, who):
    user = {"anonymous": None, "participant": participant.user, "editor": editor}[who]
    if user is not None:
        client.force_login(user)

    response = client.post(
        reverse("hearing_questions:add"), {"hearing": hearing.pk, "channel": "radio", "text": "Colada"}
    )

    assert response.status_code in (302, 403)
    assert not HearingQuestion.objects.exists()
    if user is not None:
        with pytest.raises(NotAllowed):
            services.question_enter(hearing=hearing, staff=user, channel="radio", text="Colada")


def test_staff_cannot_enter_a_question_as_if_it_came_from_the_web(hearing, government):
    with pytest.raises(services.Refused):
        services.question_enter(hearing=hearing, staff=government, channel=Channel.WEB, text="Falsa web")
    assert not HearingQuestion.objects.exists()


def test_questions_cannot_be_entered_into_an_unpublished_hearing(hearing, government):
    hearing.unpublish()

    with pytest.raises(NotFound):
        services.question_enter(hearing=hearing, staff=government, channel=Channel.PAPER, text="Tarjeta")


# --- written answers ------------------------------------------------------------------------------
def test_only_the_answering_staff_publish_written_answers(hearing, participant, moderator, ask):
    question = ask(participant)
    services.hearing_close(hearing=hearing, moderator=moderator)
    for user in (participant.user, moderator):
        with pytest.raises(NotAllowed):
            services.written_answer_record(question=question, user=user, text="Respuesta")
    question.refresh_from_db()
    assert question.state == QuestionState.PENDING


# --- a hearing nobody may see ---------------------------------------------------------------------
@pytest.mark.parametrize("how", ["unpublished", "password"])
@pytest.mark.parametrize("route", ["text", "projection", "statistics", "contributions_csv", "console", "register"])
def test_a_hearing_the_reader_may_not_see_is_a_404_that_names_nothing(client, hearing, moderator, how, route):
    title = hearing.title
    url = _route(hearing, route)
    if how == "unpublished":
        hearing.unpublish()
    else:
        PageViewRestriction.objects.create(page=hearing, restriction_type="password", password="clave")
    client.force_login(moderator)

    response = client.get(url)

    if how == "unpublished":
        assert response.status_code == 404
    else:  # Wagtail's password form, and nothing of the hearing
        assert response.status_code == 200
        assert BeautifulSoup(response.content, "html.parser").select_one("input[name=password]") is not None
    assert title not in _text(response)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_live_channel_of_an_unpublished_hearing_is_refused(hearing):
    from asgiref.sync import sync_to_async

    await sync_to_async(hearing.unpublish)()
    communicator = WebsocketCommunicator(application, live.websocket_path(hearing), headers=ORIGIN)
    await communicator.connect()
    output = await communicator.receive_output()
    await communicator.disconnect()
    assert output == {"type": "websocket.close", "code": 4404}


# --- registrations ---------------------------------------------------------------------------------
def test_nobody_cancels_someone_elses_registration(client, hearing, participant, other):
    from hearings import registrations

    registration = registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Rosa")
    client.force_login(other.user)

    response = client.post(_route(hearing, "cancel_registration", registration.pk))

    assert response.status_code == 404
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_attendees_are_never_named_on_the_page(client, hearing, participant):
    from hearings import registrations

    registrations.registration_save(hearing=hearing, user=participant.user, kind="attend", name="Nombre Privado")

    page = _text(client.get(hearing.url))

    assert "Nombre Privado" not in page
    assert "1 persona se inscribió para asistir." in " ".join(page.split())


def test_staff_government_group_may_enter_but_not_moderate(hearing, government, participant, ask):
    """The roles as the migration grants them."""
    assert government.groups.filter(name=GOVERNMENT).exists()
    question = services.question_enter(hearing=hearing, staff=government, channel=Channel.PHONE, text="Llamada")
    with pytest.raises(NotAllowed):
        services.question_put_on_air(question=question, moderator=government)


def test_a_closed_hearing_takes_no_more_live_changes(hearing, participant, moderator, ask):
    question = ask(participant)
    services.hearing_close(hearing=hearing, moderator=moderator)
    hearing = type(hearing).objects.get(pk=hearing.pk)
    question = HearingQuestion.objects.get(pk=question.pk)

    with pytest.raises(services.Refused):
        services.question_put_on_air(question=question, moderator=moderator)
    with pytest.raises(NotAllowed):
        ask(ParticipantFactory(), text="Tarde", hearing=hearing)
    assert hearing.questions_close <= timezone.now() + timedelta(seconds=1)


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_a_refused_console_says_why_in_the_readers_language(client, hearing, participant, who):
    if who == "participant":
        client.force_login(participant.user)

    page = BeautifulSoup(client.get(_route(hearing, "console")).content, "html.parser")

    assert page.select_one("h1").get_text(strip=True) == "No permitido"
    login = page.select_one("main a[href*='/cuenta/entrar/']")
    assert (login is not None) == (who == "anonymous")
