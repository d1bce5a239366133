"""What the public sees: pages, home, feeds, API, sitemap — and never a draft."""

from datetime import date, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Locale, PageViewRestriction

from consultations.models import ConsultationPage, PlanMilestone
from core.models import Territory
from tests.parsed import soup, text, texts
from tests.site import english_home

from .factories import ConsultationPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultations(plan):
    now = timezone.now()
    return {
        "open": ConsultationPageFactory(
            parent=plan, title="Compromiso abierto", slug="abierto", closes_at=now + timedelta(days=3)
        ),
        "open_later": ConsultationPageFactory(
            parent=plan, title="Compromiso que cierra después", slug="abierto-2", closes_at=now + timedelta(days=9)
        ),
        "upcoming": ConsultationPageFactory(
            parent=plan,
            title="Compromiso próximo",
            slug="proximo",
            opens_at=now + timedelta(days=5),
            closes_at=now + timedelta(days=30),
        ),
        "closed": ConsultationPageFactory(
            parent=plan,
            title="Compromiso cerrado",
            slug="cerrado",
            opens_at=now - timedelta(days=30),
            closes_at=now - timedelta(days=2),
        ),
    }


@pytest.fixture
def hidden(plan):
    """A draft, a published page with a private restriction, and an expired page."""
    draft = ConsultationPageFactory.build(title="Borrador secreto", slug="borrador")
    plan.add_child(instance=draft)
    draft.unpublish()
    private = ConsultationPageFactory(parent=plan, title="Compromiso privado", slug="privado")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    expired = ConsultationPageFactory(parent=plan, title="Compromiso caducado", slug="caducado")
    expired.expire_at = timezone.now() - timedelta(minutes=1)
    expired.save()
    call_command("publish_scheduled", verbosity=0)
    return {"draft": draft, "private": private, "expired": ConsultationPage.objects.get(pk=expired.pk)}


def _feed(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 (the site's own feed, not untrusted XML)


HIDDEN_TITLES = ("Borrador secreto", "Compromiso privado", "Compromiso caducado")


def _card_titles(page) -> list[str]:
    return texts(page, "main .card .card__title a")


def _card(page, title):
    link = next(link for link in page.select("main .card .card__title a") if text(link) == title)
    return link.find_parent(class_="card")


def test_home_lists_open_soonest_closing_first_then_upcoming_then_closed(client, home_page, consultations):
    page = soup(client.get(home_page.url))

    assert _card_titles(page) == [
        "Compromiso abierto",
        "Compromiso que cierra después",
        "Compromiso próximo",
        "Compromiso cerrado",
    ]
    assert "Abre" in texts(_card(page, "Compromiso próximo"), "dt")  # upcoming ones show their opening date


def test_hidden_pages_are_not_on_the_home_page(client, home_page, consultations, hidden):
    response = client.get(home_page.url)

    assert "Compromiso abierto" in _card_titles(soup(response))
    # Nowhere in the document, not only among the cards: a hidden title must not leak at all.
    assert not any(title in response.content.decode() for title in HIDDEN_TITLES)


@pytest.mark.parametrize("key", ["draft", "private", "expired"])
def test_hidden_pages_are_not_served(client, hidden, key):
    response = client.get(hidden[key].url)

    assert response.status_code in (302, 404)  # the private one redirects to the login page
    assert hidden[key].title not in response.content.decode()


def test_plan_page_lists_its_consultations_with_their_state(client, plan, consultations, hidden):
    response = client.get(plan.url)
    rows = {text(row.th): row for row in soup(response).select("main table tbody tr")}

    assert set(rows) == {page.title for page in consultations.values()}
    assert rows["Compromiso próximo"].select_one(".badge--upcoming") is not None
    assert rows["Compromiso cerrado"].select_one(".badge--closed") is not None
    assert not any(title in response.content.decode() for title in HIDDEN_TITLES)  # nowhere in the document


def test_plan_index_lists_plans(client, plan):
    page = soup(client.get(plan.get_parent().url))

    assert texts(page, "main .plan-list__item h2 a") == [plan.title]


@pytest.mark.parametrize("name", ["consultations:feed-rss", "consultations:feed-atom"])
def test_feeds_list_public_consultations_only(client, consultations, hidden, name):
    response = client.get(reverse(name))
    titles = {title.text for title in _feed(response).iterfind(".//{*}item/{*}title")} | {
        title.text for title in _feed(response).iterfind(".//{*}entry/{*}title")
    }

    assert response.status_code == 200
    assert titles == {page.title for page in consultations.values()}
    assert not any(title in response.content.decode() for title in HIDDEN_TITLES)  # nowhere in the document


def test_calendar_has_one_event_per_consultation_window(client, consultations, hidden):
    response = client.get(reverse("consultations:calendar"))
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}

    assert response["Content-Type"].startswith("text/calendar")
    assert len(events) == 4
    upcoming = events["Consulta: Compromiso próximo"]
    assert upcoming.decoded("dtstart") == consultations["upcoming"].opens_at.replace(microsecond=0)
    assert upcoming.decoded("dtend") == consultations["upcoming"].closes_at.replace(microsecond=0)


def test_api_lists_public_consultations_with_their_fields(client, consultations, hidden):
    response = client.get(
        reverse("wagtailapi:pages:listing"),
        {"type": "consultations.ConsultationPage", "fields": "summary,opens_at,closes_at,state,territory_slugs,body"},
    )
    items = response.json()["items"]
    titles = {item["title"] for item in items}

    assert response.status_code == 200
    assert titles == {page.title for page in consultations.values()}
    upcoming = next(item for item in items if item["title"] == "Compromiso próximo")
    assert upcoming["state"] == "upcoming"
    assert upcoming["body"][0]["value"]["anchor"] == "objetivo"


def test_api_does_not_serve_a_draft_by_id(client, hidden):
    response = client.get(reverse("wagtailapi:pages:detail", args=[hidden["draft"].pk]))

    assert response.status_code == 404


def test_sitemap_has_no_hidden_pages(client, consultations, hidden):
    sitemap = _feed(client.get(reverse("sitemap")))
    paths = {urlsplit(location.text).path for location in sitemap.iterfind(".//{*}url/{*}loc")}

    assert consultations["open"].url in paths
    assert not paths & {page.url for page in hidden.values()}


def test_consultation_page_shows_sections_with_their_anchors(client, consultations):
    page = soup(client.get(consultations["open"].url))

    assert page.select_one("main section.commitment-section#objetivo h3") is not None
    assert "actividades" in {link["href"].removeprefix("#") for link in page.select("main nav.toc a")}
    assert "Abierta a comentarios hasta" in text(page.select_one("main .consultation-status"))


def test_language_switcher_goes_to_the_translated_consultation(client, consultations):
    page = consultations["open"]
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Open commitment"
    english.save_revision().publish()

    spanish = soup(client.get(page.url))
    english_response = client.get(english.url)
    in_english = soup(english_response)

    assert spanish.select_one(".language-switcher a[hreflang=en]")["href"] == english.url
    assert english_response.status_code == 200
    assert in_english.select_one(".language-switcher a[hreflang=es]")["href"] == page.url
    assert "Open for comments until" in text(in_english.select_one("main .consultation-status"))


def test_english_home_falls_back_to_spanish_consultations(client, home_page, consultations):
    page = soup(client.get(english_home(home_page).url))

    assert text(page.select_one("main #open-heading")) == "Open for comments"
    assert "Compromiso abierto" in texts(page.select_one("section[aria-labelledby=open-heading]"), ".card__title a")


def test_unknown_page_is_404(client, plan):
    assert client.get(plan.url + "no-existe/").status_code == 404


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_type_renders_in_both_languages(client, home_page, plan, consultations, language):
    english_home(home_page)
    english = Locale.objects.get(language_code="en")
    pages = [plan.get_parent(), plan, consultations["open"], consultations["closed"]]
    if language == "en":
        for consultation in pages[2:]:
            consultation.copy_for_translation(english, copy_parents=True).save_revision().publish()
        pages = [page.get_translation(english) for page in pages]

    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert soup(response).html["lang"] == language


def test_api_serves_a_plan_with_its_timeline(client, plan):
    PlanMilestone.objects.create(page=plan, date=date(2026, 5, 1), kind="adoption", title="Aprobación del plan")

    response = client.get(reverse("wagtailapi:pages:detail", args=[plan.pk]))
    data = response.json()

    assert data["period_start"] == 2025
    assert data["timeline"][0]["title"] == "Aprobación del plan"
    assert data["timeline"][0]["kind"] == "adoption"


def test_feed_links_are_absolute_page_urls(client, consultations):
    feed = _feed(client.get(reverse("consultations:feed-rss")))
    links = {item.findtext("title"): item.findtext("link") for item in feed.iterfind("channel/item")}

    assert links["Compromiso abierto"] == f"http://testserver{consultations['open'].url}"


def _territories(client, home_page, title) -> str:
    card = _card(soup(client.get(home_page.url)), title)
    term = next(term for term in card.select("dt") if text(term) == "Territorios")
    return text(term.find_next_sibling("dd"))


def test_card_says_whole_region_only_when_every_territory_is_covered(client, home_page, plan):
    ConsultationPageFactory(parent=plan, title="En toda la región", territories=list(Territory.objects.all()))
    assert _territories(client, home_page, "En toda la región") == "Toda la región"

    Territory.objects.create(name="Provincia Nueva", slug="provincia-nueva")

    assert _territories(client, home_page, "En toda la región").startswith("Cajabamba, Cajamarca, Celendín")


def test_home_leaves_out_consultations_closed_long_ago(client, home_page, plan):
    ConsultationPageFactory(
        parent=plan,
        title="Cerrada hace mucho",
        opens_at=timezone.now() - timedelta(days=300),
        closes_at=timezone.now() - timedelta(days=200),
    )

    assert "Cerrada hace mucho" not in _card_titles(soup(client.get(home_page.url)))
    assert "Cerrada hace mucho" in texts(soup(client.get(plan.url)), "main table tbody th a")


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["home", "consultations:feed-rss", "consultations:calendar"])
def test_query_count_does_not_grow_with_the_number_of_consultations(client, home_page, plan, name):
    path = home_page.url if name == "home" else reverse(name)
    ConsultationPageFactory(parent=plan)
    client.get(path)  # warm the caches Wagtail keeps per process (sites, locales)
    few = _count_queries(client, path)
    for _ in range(6):
        ConsultationPageFactory(parent=plan)

    assert _count_queries(client, path) == few
