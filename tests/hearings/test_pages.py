"""What a hearing publishes, and where it appears: its page, the home page, the index,
the feeds and the calendar; its projection and text-only views."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar
from wagtail.documents import get_document_model
from wagtail.models import Locale

from discussions import live
from hearings import services
from hearings.models import HearingAgendaItem, HearingCommitment, HearingDocument, HearingPage
from tests.hearings.factories import hearing_page
from tests.site import english_home

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _route(hearing, name, *args) -> str:
    return hearing.url + hearing.reverse_subpage(name, args=args)


def _frame_sources(response) -> list[str]:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    return directives["frame-src"].split()


def test_the_page_says_when_where_how_to_follow_it_and_what_will_be_presented(client, hearing):
    document = get_document_model()(title="Informe de gestión 2026")
    document.file.save("informe.txt", ContentFile(b"Informe"), save=False)
    document.save()
    hearing.map_url = "https://www.openstreetmap.org/#map=17/-7.15/-78.51"
    hearing.agenda_items.add(HearingAgendaItem(title="Informe del Gobernador", presenter="Gobernador Regional"))
    hearing.report_documents.add(
        HearingDocument(document=document, published_on=timezone.localdate() - timedelta(days=15))
    )
    hearing.save_revision().publish()

    page = _soup(client.get(hearing.url))

    facts = page.select_one("dl.facts").get_text(" ")
    assert "Coliseo Gran Cajamarca" in facts and "Jr. Amazonas s/n, Cajamarca" in facts
    assert page.select_one("dl.facts a[href^='https://www.openstreetmap.org']") is not None
    assert "Radio Cajamarca (101.1 FM)" in facts
    assert "Se reciben preguntas del" in facts
    assert "Informe del Gobernador" in page.select_one("#agenda-heading").find_parent("section").get_text()
    report = page.select_one("#report-heading").find_parent("section")
    assert report.select_one("a")["href"] == document.url
    with translation.override("es"):
        published = date_format(timezone.localdate() - timedelta(days=15), "j M Y")
    assert f"publicado el {published}" in " ".join(report.get_text().split())


def test_the_video_loads_only_when_the_reader_asks_and_only_its_host_may_frame(client, home_page, hearing):
    hearing.broadcast_url = "https://www.youtube.com/watch?v=abcDEF12345"
    hearing.save_revision().publish()

    response = client.get(hearing.url)

    page = _soup(response)
    assert page.find("iframe") is None
    button = page.select_one("[data-video-embed]")
    assert button["data-video-embed"] == "https://www.youtube-nocookie.com/embed/abcDEF12345"
    assert page.select_one(".video a")["href"] == "https://www.youtube.com/watch?v=abcDEF12345"
    assert _frame_sources(response) == ["'self'", "https://www.youtube-nocookie.com"]
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert _frame_sources(client.get(home_page.url)) == ["'self'"]


def test_a_video_host_outside_the_setting_is_only_linked(client, hearing):
    hearing.broadcast_url = "https://video.example.org/en-vivo"
    hearing.save_revision().publish()

    response = client.get(hearing.url)

    assert _soup(response).select_one("[data-video-embed]") is None
    assert _soup(response).select_one(".video a")["href"] == "https://video.example.org/en-vivo"
    assert _frame_sources(response) == ["'self'"]


def test_the_page_carries_its_live_channel_and_last_event(client, hearing, participant, ask):
    ask(participant)
    section = _soup(client.get(hearing.url)).select_one("[data-hearing-live]")

    assert section["data-live-url"] == live.websocket_path(hearing)
    assert int(section["data-last-event"]) > 0


def test_an_english_translation_shares_the_original_questions(client, home_page, hearing, participant, ask):
    question = ask(participant, text="¿Habrá traducción al quechua?")
    english_home(home_page)
    hearing_en = hearing.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    hearing_en.title = "Public accountability hearing"
    hearing_en.save_revision().publish()

    page = _soup(client.get(hearing_en.url))

    assert hearing_en.original == hearing
    assert page.select_one(f"[data-queue] #c{question.contribution_id}") is not None
    assert page.select_one("[data-hearing-live]")["data-live-url"] == live.websocket_path(hearing)


def test_the_home_page_the_index_and_the_feeds_list_announced_hearings_only(client, home_page, hearing_index, hearing):
    draft = hearing_page(hearing_index, title="Audiencia en borrador")
    draft.unpublish()

    home = _soup(client.get(home_page.url))
    index = _soup(client.get(hearing_index.url))
    rss = client.get(reverse("hearings:feed-rss")).content.decode()
    atom = client.get(reverse("hearings:feed-atom")).content.decode()

    assert home.select_one(f".home-hearings a[href='{hearing.url}']") is not None
    assert index.select_one(f".card a[href='{hearing.url}']") is not None
    for text in (home.get_text(), index.get_text(), rss, atom):
        assert hearing.title in text and "Audiencia en borrador" not in text


def test_the_english_home_page_lists_a_hearing_not_yet_translated_under_its_english_address(
    client, home_page, hearing_index, hearing
):
    english_home(home_page)
    english_path = "/en/" + hearing.url.split("/", 2)[2]  # the same page under /en/

    home = _soup(client.get("/en/"))  # the English home page's address

    heading = home.select_one("#hearings-heading a")
    assert heading is not None and heading["href"] == "/en/" + hearing_index.url.split("/", 2)[2]
    card = home.select_one(f".home-hearings a[href='{english_path}']")
    assert card is not None and card.get_text(strip=True) == hearing.title
    assert client.get(english_path).status_code == 200


def test_the_calendar_has_each_announced_hearing_with_its_place_and_radio(client, hearing):
    response = client.get(reverse("hearings:calendar"))

    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == hearing.starts_at.replace(microsecond=0)
    assert "Coliseo Gran Cajamarca" in str(event.get("location"))
    assert "Radio Cajamarca 101.1 FM" in str(event.get("description"))


def test_the_projection_shows_the_question_on_air_in_large_type_and_no_controls(
    client, hearing, participant, moderator, ask
):
    question = ask(participant)
    services.question_put_on_air(question=question, moderator=moderator)
    client.force_login(participant.user)

    page = _soup(client.get(_route(hearing, "projection")))

    on_air = page.select_one("[data-on-air] article")
    assert on_air["data-state"] == "on_air" and "médicos especialistas" in on_air.get_text()
    assert page.find("form") is None and page.find("button") is None
    assert page.select_one("link[rel=stylesheet]")["href"].endswith("hearing-projection.css")
    assert page.select_one("[data-hearing-live]")["data-view"] == "projection"


def test_the_text_only_view_is_small_and_updates_itself(client, hearing, participant, ask):
    ask(participant)

    response = client.get(_route(hearing, "text"))

    page = _soup(response)
    assert page.select_one("link[rel=stylesheet]") is None and page.find("img") is None
    assert len(page.select("[data-queue] > li")) == 1
    assert page.select_one("[data-hearing-live]")["data-live-url"] == live.websocket_path(hearing)
    assert page.select_one("noscript meta[http-equiv=refresh]") is not None
    assert len(response.content) < 10_000


def test_the_console_gives_moderators_the_actions_of_each_question(client, hearing, participant, moderator, ask):
    question = ask(participant)
    client.force_login(moderator)

    page = _soup(client.get(_route(hearing, "console")))

    actions = page.select_one(f"[data-queue] [data-actions-for='{question.contribution_id}']")
    assert actions.select_one("form")["action"] == _route(
        hearing, "console_action", question.contribution_id, "al-aire"
    )
    assert page.select_one("[data-view=console]")["data-console-url"] == f"/ws/hearings/{hearing.pk}/consola/"


def test_commitments_are_listed_with_status_due_date_evidence_and_a_stable_link(client, plan, hearing):
    hearing.commitments.add(
        HearingCommitment(
            description="Publicar el avance de cada obra.",
            responsible="Gerencia de Infraestructura",
            due_date=timezone.localdate() - timedelta(days=1),
            status="in_progress",
            evidence_url="https://datos.example.org/obras",
            related_page=plan,
        )
    )
    hearing.save_revision().publish()
    commitment = HearingPage.objects.get(pk=hearing.pk).commitments.get()

    page = _soup(client.get(hearing.url))

    item = page.select_one(f"#compromiso-{commitment.pk}")
    text = " ".join(item.get_text(" ").split())
    assert "Publicar el avance de cada obra." in text and "En curso" in text and "vencido" in text
    assert item.select_one("a[href='https://datos.example.org/obras']") is not None
    assert item.select_one(f"a[href='{plan.url}']") is not None


def test_a_commitment_never_names_an_unpublished_page(client, plan, hearing):
    plan.unpublish()
    hearing.commitments.add(HearingCommitment(description="Compromiso", related_page=plan))
    hearing.save_revision().publish()

    page = _soup(client.get(hearing.url))

    assert plan.title not in page.select_one("#compromisos").get_text()


def test_a_questions_forms_rendered_for_live_english_readers_stay_under_en(home_page, hearing):
    """Live fragments are rendered after the commit, outside any request, once per
    language: the English rendering's forms must not send a reader to the Spanish site."""
    english_home(home_page)
    template = Template("{% load hearings_tags %}{% hearing_url hearing 'support' 7 %}")

    with translation.override("en"):
        english = template.render(Context({"hearing": hearing}))
    with translation.override("es"):
        spanish = template.render(Context({"hearing": hearing}))

    assert english == "/en/" + spanish.split("/", 2)[2]
    assert spanish.startswith("/es/") and spanish.endswith("/preguntas/7/apoyar/")
