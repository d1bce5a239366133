import pytest
from django.urls import reverse

from tests.site import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    return seed_demo()


@pytest.mark.parametrize(
    ("path", "heading", "lang"),
    [("/es/", "Gobierno Regional de Cajamarca", "es"), ("/en/", "Regional Government of Cajamarca", "en")],
)
def test_home_page_renders_in_each_language(client, seeded, path, heading, lang):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(("accept_language", "target"), [("es-PE,es;q=0.9", "/es/"), ("en-GB,en;q=0.8", "/en/")])
def test_root_redirects_by_browser_language(client, seeded, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == target


def test_root_defaults_to_spanish_for_other_languages(client, seeded):
    response = client.get("/", headers={"accept-language": "qu"})

    assert response["Location"] == "/es/"


def test_interface_is_translated_to_spanish_and_english(client, seeded):
    spanish = client.get("/es/").content.decode()
    english = client.get("/en/").content.decode()

    assert "Saltar al contenido" in spanish
    assert "Skip to content" in english


def test_language_switcher_links_to_the_translated_home_page(client, seeded):
    html = client.get("/es/").content.decode()

    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html


def test_demo_notice_is_shown(client, seeded):
    assert "Sitio de demostración" in client.get("/es/").content.decode()


def test_unknown_page_is_404_in_spanish(client, seeded):
    response = client.get("/es/no-existe/")

    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_admin_login_page(client, seeded):
    response = client.get(reverse("wagtailadmin_login"))

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_healthz(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unprefixed_page_path_still_redirects_to_the_language(client, seeded):
    response = client.get("/no-existe/", headers={"accept-language": "es"})

    assert response.status_code == 302
    assert response["Location"] == "/es/no-existe/"


def test_missing_api_object_is_a_404_not_a_redirect(client, seeded):
    response = client.get("/api/v2/pages/999999/")

    assert response.status_code == 404
    assert response.json()["message"]
