"""The admin screens: organisations to verify, and the read-mostly list of participants."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Organisation

from .factories import OrganisationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "clave-admin-larga"))
    return client


def test_organisation_list_filters_requests_awaiting_verification(admin_client):
    OrganisationFactory(name="Verificada de Chota")
    OrganisationFactory(name="Pedida por alguien", verified=False)

    response = admin_client.get(reverse("wagtailsnippets_accounts_organisation:list"), {"verified": "false"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Pedida por alguien" in content
    assert "Verificada de Chota" not in content


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

    by_email = admin_client.get(reverse("participants:index"), {"q": "rosa@example"}).content.decode()
    unconfirmed = admin_client.get(reverse("participants:index"), {"confirmed": "false"}).content.decode()

    assert "Rosa Quispe" in by_email and "Luis Tello" not in by_email
    assert "Luis Tello" in unconfirmed and "Rosa Quispe" not in unconfirmed


def test_participants_are_neither_added_nor_deleted_from_the_admin(admin_client):
    participant = ParticipantFactory()

    assert admin_client.get(reverse("participants:add")).status_code in (302, 403)
    assert admin_client.post(reverse("participants:delete", args=[participant.pk])).status_code in (302, 403)
    assert type(participant).objects.filter(pk=participant.pk).exists()
    assert admin_client.get(reverse("participants:edit", args=[participant.pk])).status_code == 200
