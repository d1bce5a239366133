"""Finding a page by its address is remembered, and forgotten when pages change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from tests.consultations.factories import ActionPlanPageFactory, ConsultationPageFactory
from tests.parsed import soup, text

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, len(queries)


def test_a_page_found_once_is_found_again_with_fewer_queries(client, plan):
    page = ConsultationPageFactory(parent=plan)

    cold = _queries(client, page.url)
    warm = _queries(client, page.url)

    assert cold[0] == warm[0] == 200
    assert warm[1] <= cold[1] - 5  # the site and four levels of the tree are not looked up again


def test_a_new_slug_is_found_and_the_old_one_is_gone_at_once(client, plan):
    page = ConsultationPageFactory(parent=plan, slug="antes")
    old_url = page.url
    client.get(old_url)

    page.slug = "despues"
    page.save_revision().publish()
    page.refresh_from_db()

    assert page.url != old_url
    assert client.get(page.url).status_code == 200
    old = client.get(old_url)
    assert old.status_code in (301, 404) and old.get("Location", page.url) == page.url  # never the stale page


def test_an_unpublished_page_is_gone_at_once(client, plan):
    page = ConsultationPageFactory(parent=plan)
    url = page.url
    client.get(url)

    page.unpublish()

    assert client.get(url).status_code == 404


def test_a_moved_page_is_found_at_its_new_address(client, plan):
    page = ConsultationPageFactory(parent=plan)
    old_url = page.url
    client.get(old_url)
    other_plan = ActionPlanPageFactory(parent=plan.get_parent())

    page.move(other_plan, pos="last-child")
    page.refresh_from_db()

    assert client.get(page.url).status_code == 200
    old = client.get(old_url)
    assert old.status_code in (301, 404) and old.get("Location", page.url) == page.url


def test_each_language_has_its_own_route(client, plan):
    page = ConsultationPageFactory(parent=plan, title="Compromiso en castellano")
    english = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Commitment in English"
    english.save_revision().publish()

    for _ in range(2):
        assert text(soup(client.get(page.url)).select_one("main h1")) == "Compromiso en castellano"
        assert text(soup(client.get(english.url)).select_one("main h1")) == "Commitment in English"
