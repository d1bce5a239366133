"""The admin screens: organisations to verify, and the read-mostly list of participants."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Organisation
from tests.parsed import soup, texts

from .factories import OrganisationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "clave-admin-larga"))
    return client


def _listed(response) -> list[str]:
    """The titles in an admin listing's table."""
    return texts(soup(response), "table tbody td.title .title-wrapper > a")


def test_organisation_list_filters_requests_awaiting_verification(admin_client):
    OrganisationFactory(name="Verificada de Chota")
    OrganisationFactory(name="Pedida por alguien", verified=False)

    response = admin_client.get(reverse("wagtailsnippets_accounts_organisation:list"), {"verified": "false"})

    assert response.status_code == 200
    assert _listed(response) == ["Pedida por alguien"]


def test_operator_verifies_a_requested_organisation(admin_client):
    requested = OrganisationFactory(name="Pedida por alguien", verified=False)
    url = reverse("wagtailsnippets_accounts_organisation:edit", args=[requested.pk])

    response = admin_client.post(
        url, {"name": requested.name, "sector": requested.sector, "territory": "", "website": "", "verified": "on"}
    )

    assert response.status_code == 302
    assert Organisation.objects.get(pk=requested.pk).verified


def test_participant_list_is_searchable_by_name_and_email(admin_client):
    ParticipantFactory(display_name="Rosa Quispe", user__username="rosa@example.org")
    ParticipantFactory(display_name="Luis Tello", user__username="luis@example.org", email_confirmed_at=None)

    by_email = admin_client.get(reverse("participants:index"), {"q": "rosa@example"})
    unconfirmed = admin_client.get(reverse("participants:index"), {"confirmed": "false"})

    assert _listed(by_email) == ["Rosa Quispe"]
    assert _listed(unconfirmed) == ["Luis Tello"]


def test_participants_are_neither_added_nor_deleted_from_the_admin(admin_client):
    participant = ParticipantFactory()

    assert admin_client.get(reverse("participants:add")).status_code in (302, 403)
    assert admin_client.post(reverse("participants:delete", args=[participant.pk])).status_code in (302, 403)
    assert type(participant).objects.filter(pk=participant.pk).exists()
    assert admin_client.get(reverse("participants:edit", args=[participant.pk])).status_code == 200
