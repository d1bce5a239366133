import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import get_page_models

from cocrea.models import HomePage
from core.pages import ReadersLanguageMixin
from tests.parsed import soup, text
from tests.site import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    return seed_demo()


def _home(lang: str) -> HomePage:
    return HomePage.objects.get(locale__language_code=lang)


@pytest.mark.parametrize(
    ("heading", "lang"), [("Gobierno Regional de Cajamarca", "es"), ("Regional Government of Cajamarca", "en")]
)
def test_home_page_renders_in_each_language(client, seeded, heading, lang):
    response = client.get(_home(lang).url)

    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == lang
    assert text(page.select_one("main h1")) == heading


# The language prefixes are the subject of the next three tests: they stay literal.
@pytest.mark.parametrize(("accept_language", "target"), [("es-PE,es;q=0.9", "/es/"), ("en-GB,en;q=0.8", "/en/")])
def test_root_redirects_by_browser_language(client, seeded, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == target


def test_root_defaults_to_spanish_for_other_languages(client, seeded):
    response = client.get("/", headers={"accept-language": "qu"})

    assert response["Location"] == "/es/"


def test_interface_is_translated_to_spanish_and_english(client, seeded):
    spanish = soup(client.get(_home("es").url))
    english = soup(client.get(_home("en").url))

    assert text(spanish.select_one("a.skip-link")) == "Saltar al contenido"
    assert text(english.select_one("a.skip-link")) == "Skip to content"


def test_language_switcher_links_to_the_translated_home_page(client, seeded):
    link = soup(client.get(_home("es").url)).select_one("header .language-switcher a[hreflang=en]")

    assert link["href"] == _home("en").url
    assert (text(link), link["lang"]) == ("English", "en")


def test_demo_notice_is_shown(client, seeded):
    notice = soup(client.get(_home("es").url)).select_one("body > .demo-notice[role=note]")

    assert text(notice).startswith("Sitio de demostración")


def test_unknown_page_is_404_in_spanish(client, seeded):
    response = client.get(_home("es").url + "no-existe/")

    assert response.status_code == 404
    assert text(soup(response).select_one("main h1")) == "Página no encontrada"


def test_admin_login_page(client, seeded):
    response = client.get(reverse("wagtailadmin_login"))

    assert response.status_code == 200
    assert soup(response).select_one("form input[name=password][type=password]") is not None


def test_healthz(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unprefixed_page_path_still_redirects_to_the_language(client, seeded):  # the prefix is the subject
    response = client.get("/no-existe/", headers={"accept-language": "es"})

    assert response.status_code == 302
    assert response["Location"] == "/es/no-existe/"


def test_missing_api_object_is_a_404_not_a_redirect(client, seeded):
    response = client.get(reverse("wagtailapi:pages:detail", args=[999999]))

    assert response.status_code == 404
    assert response.json()["message"]


def test_every_page_model_of_the_site_keeps_a_reader_in_their_language():
    """A page model without the mixin links an English reader back to the Spanish site."""
    site_apps = {"cocrea", "consultations", "forum", "budgets", "hearings"}
    models = [model for model in get_page_models() if model._meta.app_label in site_apps]

    assert len(models) >= 8
    assert [model.__name__ for model in models if not issubclass(model, ReadersLanguageMixin)] == []


def test_a_form_sent_without_its_csrf_cookie_says_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("discussions:post"), {"comment": "Mi aporte"})

    assert response.status_code == 403
    page = soup(response)
    assert text(page.select_one("h1")) == "El formulario había caducado"
    assert "Nada se guardó" in text(page.select_one("main"))
