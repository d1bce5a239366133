"""Statistics by channel, province, sector and gender, and the questions as open data."""

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from core.models import Territory
from discussions.models import Channel
from discussions.services import contribution_withdraw, moderation_remove
from hearings import services
from hearings.statistics import hearing_statistics
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _route(hearing, name) -> str:
    return hearing.url + hearing.reverse_subpage(name)


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def _enter(hearing, staff, count, channel, province="cajamarca", name=""):
    territory = Territory.objects.get(slug=province)
    for number in range(count):
        services.question_enter(
            hearing=hearing,
            staff=staff,
            channel=channel,
            text=f"Pregunta {channel} {province} {number}",
            asker_name=name,
            territory=territory,
        )


def test_statistics_count_questions_and_askers_by_channel_and_hide_small_groups(hearing, government, ask):
    _enter(hearing, government, 6, Channel.RADIO)  # six anonymous callers: six people
    _enter(hearing, government, 3, Channel.WHATSAPP, province="jaen", name="María")  # one person, three times
    _enter(hearing, government, 2, Channel.PHONE, province="jaen")  # two anonymous callers
    for participant in ParticipantFactory.create_batch(5):
        ask(participant, text=f"Pregunta web de {participant.display_name}")

    figures = hearing_statistics(hearing)

    by_channel = {group.key: group for group in figures.by_channel}
    assert (figures.questions, figures.askers) == (16, 14)
    assert (by_channel["radio"].contributions, by_channel["radio"].participants) == (6, 6)
    assert (by_channel["web"].participants, by_channel["web"].suppressed) == (5, False)
    assert by_channel["whatsapp"].suppressed and by_channel["phone"].suppressed
    territories = {group.key: group for group in figures.by_territory}
    assert (territories["jaen"].participants, territories["jaen"].suppressed) == (3, True)


def test_gender_is_counted_only_where_the_participant_consented(hearing, ask):
    for number in range(5):
        ask(ParticipantFactory(gender_consent=True, gender="female"), text=f"Consentida {number}")
    ask(ParticipantFactory(gender_consent=False), text="Sin consentimiento")

    by_gender = {group.key: group for group in hearing_statistics(hearing).by_gender}

    assert by_gender["female"].participants == 5
    assert by_gender[""].contributions == 1  # "not stated"


def test_the_statistics_page_shows_charts_and_tables(client, hearing, government):
    _enter(hearing, government, 5, Channel.PAPER)

    page = BeautifulSoup(client.get(_route(hearing, "statistics")).content, "html.parser")

    channel = page.select_one("#stats-channel-heading").find_parent("section")
    assert channel.select_one("svg[role=img] title").get_text() == "Preguntas por canal"
    assert [cell.get_text() for cell in channel.select("tbody tr")[0].select("th, td")] == [
        "Formulario en papel",
        "5",
        "5",
    ]
    assert page.select_one(f"a[href='{_route(hearing, 'contributions_csv')}']") is not None


def test_the_csv_is_formula_safe_and_holds_no_private_data(client, hearing, participant, government, ask):
    ask(participant, text='=HYPERLINK("http://malo.example", "clic")')
    services.question_enter(hearing=hearing, staff=government, channel=Channel.PHONE, text="+51 976 000 000 llamó")

    response = client.get(_route(hearing, "contributions_csv"))

    body = _body(response)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [row["text"] for row in rows] == ['\'=HYPERLINK("http://malo.example", "clic")', "'+51 976 000 000 llamó"]
    assert [row["channel"] for row in rows] == ["web", "phone"]
    assert participant.user.email not in body and government.email not in body


def test_the_json_lists_questions_with_their_state_and_leaves_out_removed_ones(
    client, hearing, participant, other, moderator, admin_user, ask
):
    kept = ask(participant, text="Se queda")
    removed = ask(other, text="Se retira por moderación")
    withdrawn = ask(ParticipantFactory(), text="La retira su autora")
    moderation_remove(contribution=removed.contribution, moderator=admin_user, reason="Spam")
    contribution_withdraw(contribution=withdrawn.contribution, author=withdrawn.contribution.user)
    services.question_put_on_air(question=kept, moderator=moderator)
    services.question_answered_in_room(question=kept, moderator=moderator, answer="En agosto.")

    data = json.loads(_body(client.get(_route(hearing, "contributions_json"))))

    assert data["hearing"]["title"] == hearing.title
    rows = {row["id"]: row for row in data["questions"]}
    assert set(rows) == {kept.contribution_id, withdrawn.contribution_id}
    assert (rows[kept.contribution_id]["state"], rows[kept.contribution_id]["room_answer"]) == (
        "answered_room",
        "En agosto.",
    )
    assert rows[withdrawn.contribution_id]["withdrawn"] and rows[withdrawn.contribution_id]["text"] == ""


def test_the_admin_statistics_screen_offers_each_hearing(admin_client, hearing, ask, participant):
    ask(participant)

    response = admin_client.get(reverse("discussions_statistics"), {"page": f"hearing-{hearing.pk}"})

    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(f"a[href='{_route(hearing, 'statistics')}']")
