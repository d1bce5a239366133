"""The database does not answer: every request gets a 503 that says so, rendered without
the database, and a contribution being posted is given back to its author."""

import pytest
from django.db import OperationalError
from django.db.backends import utils as backend_utils
from django.urls import reverse
from django.utils import translation

from discussions.forms import ContributionForm
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory
from tests.parsed import soup, text


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(parent=plan, title="Agua segura para las trece provincias")


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def go_down():
        monkeypatch.setattr(backend_utils.CursorWrapper, "execute", refuse)
        monkeypatch.setattr(backend_utils.CursorWrapper, "executemany", refuse)

    return go_down


@pytest.mark.django_db
def test_a_page_says_the_database_does_not_answer(client, consultation, database_down):
    consultation.save_revision().publish()
    url = consultation.url
    database_down()

    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = soup(response)
    assert text(page.select_one("main h1")).startswith("El sitio no puede consultar su base de datos en este momento")
    assert "Nada de lo que envió antes se ha perdido" in text(page.select_one("main [role=alert]"))


@pytest.mark.django_db
def test_a_post_is_refused_with_the_text_given_back(client, consultation, database_down):
    consultation.save_revision().publish()
    participant = ParticipantFactory()
    client.force_login(participant.user)
    comment = 'Pedimos agua potable en Chota <b>"ya"</b> & con plazos.'
    data = {**ContributionForm(consultation).initial, "comment": comment}
    database_down()

    response = client.post(reverse("discussions:post"), data)

    assert response.status_code == 503
    page = soup(response)
    given_back = page.select_one("main textarea#unsent-text")
    assert "su aporte no se guardó" in text(page.select_one("main [role=alert]")).lower()
    assert given_back.string == comment  # escaped: given back as text, never as markup
    assert page.find("b") is None


@pytest.mark.django_db
def test_the_api_answers_in_json(client, database_down):
    database_down()

    response = client.get(reverse("search_api:results"), {"q": "agua"})

    assert response.status_code == 503
    assert response.json()["reason"] == "database"


@pytest.mark.django_db
def test_english_pages_say_it_in_english(client, database_down):
    database_down()

    with translation.override("en"):
        home = reverse("wagtail_serve", args=[""])

    response = client.get(home)

    assert response.status_code == 503
    assert text(soup(response).select_one("main h1")).startswith("The site cannot reach its database right now")
