"""A participant's own data: downloading all of it, and deleting the account."""

import json

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Participant
from accounts.services import participant_delete
from discussions.models import Contribution, Flag, FlagReason, Follow, Reaction, ReactionKind
from discussions.services import contribution_create, flag_create, follow_set, reaction_set
from tests.consultations.factories import ConsultationPageFactory
from tests.parsed import soup, text

from .factories import OrganisationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(plan):
    return ConsultationPageFactory(parent=plan, title="Presupuesto participativo")


@pytest.fixture
def ana():
    return ParticipantFactory(
        user__username="ana@example.org",
        display_name="Ana Huamán",
        organisation=OrganisationFactory(name="Red de Mujeres de Cutervo"),
    )


@pytest.fixture
def bruno():
    return ParticipantFactory(user__username="bruno@example.org", display_name="Bruno Vásquez")


@pytest.fixture
def activity(page, ana, bruno):
    """Ana writes, reacts to, reports and follows; Bruno does the same to Ana."""
    anas = contribution_create(target=page, author=ana.user, text="Ana propone audiencias en quechua.")
    brunos = contribution_create(target=page, author=bruno.user, text="Bruno opina sobre el canon minero.")
    reaction_set(contribution=brunos, user=ana.user, kind=ReactionKind.SUPPORT)
    flag_create(contribution=brunos, user=ana.user, reason=FlagReason.OFF_TOPIC)
    follow_set(user=ana.user, target=page, following=True)
    reaction_set(contribution=anas, user=bruno.user, kind=ReactionKind.DISAGREE)
    follow_set(user=bruno.user, target=page, following=True)
    return {"anas": anas, "brunos": brunos}


def test_data_download_needs_login(client):
    response = client.get(reverse("accounts:data"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_data_download_has_own_records_and_nobody_elses(client, ana, activity, page):
    client.force_login(ana.user)

    response = client.get(reverse("accounts:data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    raw = response.content.decode()
    data = json.loads(raw)
    assert data["account"]["email"] == "ana@example.org"
    assert data["profile"]["display_name"] == "Ana Huamán"
    assert data["profile"]["organisation"] == "Red de Mujeres de Cutervo"
    assert data["profile"]["territory"] == "Cajamarca"
    [contribution] = data["contributions"]
    assert contribution["id"] == activity["anas"].pk
    assert contribution["text"] == "Ana propone audiencias en quechua."
    assert contribution["url"] == "http://testserver" + activity["anas"].get_absolute_url()
    assert contribution["status"] == "published"
    assert contribution["submit_date"]
    assert [r["kind"] for r in data["reactions"]] == [ReactionKind.SUPPORT]
    assert data["reactions"][0]["contribution"]["id"] == activity["brunos"].pk
    assert [f["reason"] for f in data["flags"]] == [FlagReason.OFF_TOPIC]
    assert [f["discussion"] for f in data["follows"]] == ["Presupuesto participativo"]
    # Bruno's words, name, e-mail and reaction are his, not Ana's.
    for theirs in ("Bruno", "bruno@example.org", "canon minero", ReactionKind.DISAGREE):
        assert theirs not in raw


def test_delete_page_explains_and_needs_the_password(client, ana, activity):
    client.force_login(ana.user)

    page = soup(client.get(reverse("accounts:delete")))
    assert text(page.select_one("main p.lead")).startswith("This cannot be undone")

    response = client.post(reverse("accounts:delete"), {"password": "no-es-mi-clave"})

    assert response.status_code == 200
    assert response.context["form"].has_error("password")
    assert get_user_model().objects.filter(pk=ana.user_id).exists()


def test_deleting_the_account_anonymises_contributions_and_removes_the_rest(client, ana, bruno, activity):
    client.force_login(ana.user)
    user_id = ana.user_id

    response = client.post(reverse("accounts:delete"), {"password": "contraseña-de-prueba-1"})

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not Participant.objects.filter(pk=ana.pk).exists()
    for model in (Reaction, Flag, Follow):
        assert not model.objects.filter(user_id=user_id).exists()

    anas = Contribution.objects.get(pk=activity["anas"].pk)
    assert anas.comment == "Ana propone audiencias en quechua."  # the public record stays
    assert anas.user_id is None
    assert anas.user_email == ""
    assert anas.ip_address is None
    assert anas.user_name == anas.author_display_name == "Exparticipante"  # written in the site's first language
    assert anas.author_organisation == ""
    assert anas.disagree_count == 1  # Bruno's reaction is his, and stays

    brunos = Contribution.objects.get(pk=activity["brunos"].pk)
    assert (brunos.support_count, brunos.flag_count) == (0, 0)
    assert Reaction.objects.filter(user=bruno.user).count() == 1
    assert Follow.objects.filter(user=bruno.user).count() == 1


def test_participant_delete_anonymises_a_contribution_made_through_the_service(page):
    author = ParticipantFactory()
    contribution = contribution_create(
        target=page, author=author.user, text="Mi aporte queda en el registro.", ip_address="203.0.113.9"
    )
    assert contribution.ip_address == "203.0.113.9"

    participant_delete(user=author.user)

    contribution.refresh_from_db()
    assert contribution.user is None
    assert contribution.ip_address is None
    assert contribution.author_display_name == "Exparticipante"  # written in the site's first language
    assert not get_user_model().objects.filter(pk=author.user_id).exists()


def test_administration_accounts_cannot_delete_themselves_here(client):
    staff = UserFactory(username="operadora@example.org", is_staff=True)
    client.force_login(staff)

    response = client.post(reverse("accounts:delete"), {"password": "contraseña-de-prueba-1"})

    assert "removed by an administrator" in text(soup(response).select_one("main p.lead"))
    assert get_user_model().objects.filter(pk=staff.pk).exists()
    with pytest.raises(ValidationError):
        participant_delete(user=staff)
