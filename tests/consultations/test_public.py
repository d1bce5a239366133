"""What the public sees: pages, home, feeds, API, sitemap — and never a draft."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Locale, PageViewRestriction

from consultations.models import ConsultationPage
from tests.site import english_home, home_page

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
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)
    return {"draft": draft, "private": private, "expired": ConsultationPage.objects.get(pk=expired.pk)}


HIDDEN_TITLES = ("Borrador secreto", "Compromiso privado", "Compromiso caducado")


def test_home_lists_open_soonest_closing_first_then_upcoming_then_closed(client, consultations):
    html = client.get("/es/").content.decode()

    positions = [
        html.index(title)
        for title in ("Compromiso abierto", "Compromiso que cierra después", "Compromiso próximo", "Compromiso cerrado")
    ]
    assert positions == sorted(positions)
    assert "Abre" in html  # upcoming ones show their opening date


def test_hidden_pages_are_not_on_the_home_page(client, consultations, hidden):
    html = client.get("/es/").content.decode()

    assert not any(title in html for title in HIDDEN_TITLES)


@pytest.mark.parametrize("key", ["draft", "private", "expired"])
def test_hidden_pages_are_not_served(client, hidden, key):
    response = client.get(f"/es/planes/{hidden[key].get_parent().slug}/{hidden[key].slug}/")

    assert response.status_code in (302, 404)  # the private one redirects to the login page
    assert hidden[key].title not in response.content.decode()


def test_plan_page_lists_its_consultations_with_their_state(client, plan, consultations, hidden):
    html = client.get(plan.url).content.decode()

    for page in consultations.values():
        assert page.title in html
    assert "badge--upcoming" in html and "badge--closed" in html
    assert not any(title in html for title in HIDDEN_TITLES)


def test_plan_index_lists_plans(client, plan):
    html = client.get("/es/planes/").content.decode()

    assert plan.title in html


@pytest.mark.parametrize("name", ["consultations:feed-rss", "consultations:feed-atom"])
def test_feeds_list_public_consultations_only(client, consultations, hidden, name):
    response = client.get(reverse(name))
    body = response.content.decode()

    assert response.status_code == 200
    assert "Compromiso próximo" in body
    assert "Compromiso abierto" in body
    assert not any(title in body for title in HIDDEN_TITLES)


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
        "/api/v2/pages/",
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
    response = client.get(f"/api/v2/pages/{hidden['draft'].pk}/")

    assert response.status_code == 404


def test_sitemap_has_no_hidden_pages(client, consultations, hidden):
    body = client.get("/sitemap.xml").content.decode()

    assert "/abierto/" in body
    assert not any(f"/{page.slug}/" in body for page in hidden.values())


def test_consultation_page_shows_sections_with_their_anchors(client, consultations):
    html = client.get(consultations["open"].url).content.decode()

    assert 'id="objetivo"' in html and 'href="#actividades"' in html
    assert "Abierta a comentarios hasta" in html


def test_language_switcher_goes_to_the_translated_consultation(client, consultations):
    page = consultations["open"]
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Open commitment"
    english.save_revision().publish()

    spanish_html = client.get(page.url).content.decode()
    english_response = client.get(english.url)

    assert f'href="{english.url}"' in spanish_html
    assert english_response.status_code == 200
    assert f'href="{page.url}"' in english_response.content.decode()
    assert "Open for comments until" in english_response.content.decode()


def test_english_home_falls_back_to_spanish_consultations(client, consultations):
    english_home(home_page())
    html = client.get("/en/").content.decode()

    assert "Compromiso abierto" in html
    assert "Open for comments" in html


def test_unknown_page_is_404(client, plan):
    assert client.get(plan.url + "no-existe/").status_code == 404


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_type_renders_in_both_languages(client, plan, consultations, language):
    english_home(home_page())
    english = Locale.objects.get(language_code="en")
    pages = [plan.get_parent(), plan, consultations["open"], consultations["closed"]]
    if language == "en":
        for consultation in pages[2:]:
            consultation.copy_for_translation(english, copy_parents=True).save_revision().publish()
        pages = [page.get_translation(english) for page in pages]

    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert f'<html lang="{language}">' in response.content.decode()


def test_api_serves_a_plan_with_its_timeline(client, plan):
    from datetime import date

    from consultations.models import PlanMilestone

    PlanMilestone.objects.create(page=plan, date=date(2026, 5, 1), kind="adoption", title="Aprobación del plan")

    response = client.get(f"/api/v2/pages/{plan.pk}/")
    data = response.json()

    assert data["period_start"] == 2025
    assert data["timeline"][0]["title"] == "Aprobación del plan"
    assert data["timeline"][0]["kind"] == "adoption"


def test_feed_links_are_absolute_page_urls(client, consultations):
    body = client.get(reverse("consultations:feed-rss")).content.decode()

    assert f"<link>http://testserver{consultations['open'].url}</link>" in body


def test_card_says_whole_region_only_when_every_territory_is_covered(client, plan):
    from core.models import Territory

    ConsultationPageFactory(parent=plan, title="En toda la región", territories=list(Territory.objects.all()))
    assert "Toda la región" in client.get("/es/").content.decode()

    Territory.objects.create(name="Provincia Nueva", slug="provincia-nueva")
    html = client.get("/es/").content.decode()

    assert "Toda la región" not in html
    assert "Cajabamba, Cajamarca, Celendín" in html


def test_home_leaves_out_consultations_closed_long_ago(client, plan):
    ConsultationPageFactory(
        parent=plan,
        title="Cerrada hace mucho",
        opens_at=timezone.now() - timedelta(days=300),
        closes_at=timezone.now() - timedelta(days=200),
    )

    assert "Cerrada hace mucho" not in client.get("/es/").content.decode()
    assert "Cerrada hace mucho" in client.get(plan.url).content.decode()


def _count_queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/es/", "/es/feeds/consultas.rss", "/es/feeds/consultas.ics"])
def test_query_count_does_not_grow_with_the_number_of_consultations(client, plan, path):
    ConsultationPageFactory(parent=plan)
    client.get(path)  # warm the caches Wagtail keeps per process (sites, locales)
    few = _count_queries(client, path)
    for _ in range(6):
        ConsultationPageFactory(parent=plan)

    assert _count_queries(client, path) == few
