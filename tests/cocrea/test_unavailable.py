"""The database does not answer: every request gets a 503 that says so, rendered without
the database, and a contribution being posted is given back to its author."""

import html

import pytest
from django.db import OperationalError
from django.db.backends import utils as backend_utils
from django.urls import reverse

from discussions.forms import ContributionForm
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory


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
    page = response.content.decode()
    assert "El sitio no puede consultar su base de datos en este momento" in page
    assert "Nada de lo que envió antes se ha perdido" in page


@pytest.mark.django_db
def test_a_post_is_refused_with_the_text_given_back(client, consultation, database_down):
    consultation.save_revision().publish()
    participant = ParticipantFactory()
    client.force_login(participant.user)
    text = 'Pedimos agua potable en Chota <b>"ya"</b> & con plazos.'
    data = {**ContributionForm(consultation).initial, "comment": text}
    database_down()

    response = client.post(reverse("discussions:post"), data)

    assert response.status_code == 503
    page = response.content.decode()
    assert "su aporte no se guardó" in page.lower()
    assert html.escape(text) in page  # escaped: given back as text, never as markup
    assert "<b>" not in page


@pytest.mark.django_db
def test_the_api_answers_in_json(client, database_down):
    database_down()

    response = client.get(reverse("search_api:results"), {"q": "agua"})

    assert response.status_code == 503
    assert response.json()["reason"] == "database"


@pytest.mark.django_db
def test_english_pages_say_it_in_english(client, database_down):
    database_down()

    response = client.get("/en/")

    assert response.status_code == 503
    assert "The site cannot reach its database right now" in response.content.decode()
