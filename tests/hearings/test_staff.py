"""The admin's question entry form, as staff use it on a tablet at the venue."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from core.models import Territory
from discussions.models import Channel
from hearings.models import HearingQuestion

pytestmark = pytest.mark.django_db


def _post(client, hearing, **fields):
    data = {"hearing": hearing.pk, "channel": Channel.RADIO, "text": "¿Y la carretera a Bambamarca?", **fields}
    return client.post(reverse("hearing_questions:add"), data)


def test_staff_enter_a_radio_question_and_the_next_form_is_ready(client, hearing, government):
    client.force_login(government)
    hualgayoc = Territory.objects.get(slug="hualgayoc")

    response = _post(client, hearing, asker_name="Juan Carlos", territory=hualgayoc.pk)

    question = HearingQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('hearing_questions:add')}?hearing={hearing.pk}&channel=radio"
    contribution = question.contribution
    assert (contribution.channel, contribution.author_display_name, contribution.author_territory) == (
        Channel.RADIO,
        "Juan Carlos",
        hualgayoc,
    )
    form = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert form.select_one("input[name=channel][value=radio]").has_attr("checked")
    assert form.select_one(f"select[name=hearing] option[value='{hearing.pk}']").has_attr("selected")


def test_a_question_without_a_name_is_anonymous(client, hearing, moderator):
    client.force_login(moderator)

    _post(client, hearing, channel=Channel.PAPER, asker_name="  ")

    question = HearingQuestion.objects.get()
    assert question.anonymous and question.contribution.author_display_name == "Anónimo"


def test_a_duplicate_or_too_long_entry_is_refused_with_the_text_kept(client, hearing, government):
    client.force_login(government)
    _post(client, hearing)

    duplicate = _post(client, hearing, text="¿y la carretera a bambamarca")
    too_long = _post(client, hearing, text="x" * 501)

    assert duplicate.status_code == too_long.status_code == 200
    for response, expected in ((duplicate, "ya está en la lista"), (too_long, "como máximo 500 caracteres")):
        page = BeautifulSoup(response.content, "html.parser")
        assert expected in page.get_text()
        assert page.select_one("textarea[name=text]").get_text().strip() in ("¿y la carretera a bambamarca", "x" * 501)
    assert HearingQuestion.objects.count() == 1


def test_the_list_of_entered_questions_filters_by_channel(client, hearing, government):
    client.force_login(government)
    _post(client, hearing, channel=Channel.PHONE, text="Llamada de Cutervo")
    _post(client, hearing, channel=Channel.WHATSAPP, text="Mensaje de Jaén")

    listing = BeautifulSoup(
        client.get(reverse("hearing_questions:index"), {"channel": "whatsapp"}).content, "html.parser"
    ).get_text()

    assert "Mensaje de Jaén" in listing and "Llamada de Cutervo" not in listing


def test_questions_gathered_in_a_spreadsheet_are_imported_into_the_queue(hearing, tmp_path):
    """WhatsApp messages or paper cards typed into a spreadsheet: the discussions' import."""
    import io

    from django.core.management import call_command

    rows = tmp_path / "whatsapp.csv"
    rows.write_text(
        "ref,text,author_name,territory,created_at\n"
        "1,¿Cuándo llega el agua a Fila Alta?,María E.,jaen,2026-11-20T10:00\n"
        "2,¿Habrá semillas de papa?,Anónimo,san-miguel,2026-11-20T10:05\n",
        encoding="utf-8",
    )

    call_command(
        "import_contributions",
        f"hearings.hearingpage.{hearing.pk}",
        str(rows),
        "--channel",
        "whatsapp",
        stdout=io.StringIO(),
    )

    questions = HearingQuestion.objects.filter(hearing=hearing).select_related("contribution")
    assert sorted(question.contribution.comment for question in questions) == [
        "¿Cuándo llega el agua a Fila Alta?",
        "¿Habrá semillas de papa?",
    ]
    assert {question.contribution.channel for question in questions} == {Channel.WHATSAPP}
