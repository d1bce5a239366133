"""The profile page: what a participant sees about themselves and what they can change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import Organisation
from core.models import Gender, Sector, Territory
from discussions.services import contribution_create, contribution_withdraw
from tests.consultations.factories import ConsultationPageFactory
from tests.parsed import soup, text

from .factories import OrganisationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant():
    return ParticipantFactory(user__username="marta@example.org", display_name="Marta Chávez")


@pytest.fixture
def logged_in(client, participant):
    client.force_login(participant.user)
    return client


def _form(participant, **overrides) -> dict:
    data = {
        "display_name": participant.display_name,
        "sector": participant.sector,
        "territory": participant.territory_id,
        "organisation": participant.organisation_id or "",
        "new_organisation": "",
        "gender": participant.gender,
    }
    if participant.gender_consent:
        data["gender_consent"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def _account(response):
    return soup(response).select_one("main section[aria-labelledby=account-heading]")


def _fact(section, term: str) -> str:
    return next(text(row.dd) for row in section.select("dl > div") if text(row.dt) == term)


def test_profile_shows_email_and_confirmation_status(logged_in, participant):
    account = _account(logged_in.get(reverse("accounts:profile")))

    assert _fact(account, "E-mail") == "marta@example.org"
    assert text(account.select_one("dd .badge")) == "Confirmed"
    assert account.select_one("form[action] button") is None  # no new link to ask for


def test_unconfirmed_profile_asks_to_confirm_and_offers_a_new_link(client):
    participant = ParticipantFactory(email_confirmed_at=None)
    client.force_login(participant.user)

    account = _account(client.get(reverse("accounts:profile")))

    assert text(account.select_one("dd .badge")) == "Not confirmed yet"
    resend = account.select_one(f'.notice form[action="{reverse("accounts:confirm_resend")}"]')
    assert text(resend.button) == "Send me a new link"


def test_profile_edit_saves_every_field(logged_in, participant):
    organisation = OrganisationFactory(name="Universidad Nacional de Cajamarca", sector=Sector.ACADEMIA)
    chota = Territory.objects.get(slug="chota")

    response = logged_in.post(
        reverse("accounts:profile"),
        _form(
            participant,
            display_name="Marta Ch.",
            sector=Sector.ACADEMIA,
            territory=chota.pk,
            organisation=organisation.pk,
            gender=Gender.FEMALE,
            gender_consent="on",
        ),
    )

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.display_name == "Marta Ch."
    assert participant.sector == Sector.ACADEMIA
    assert participant.territory == chota
    assert participant.organisation == organisation
    assert (participant.gender, participant.gender_consent) == (Gender.FEMALE, True)


def test_withdrawing_consent_clears_gender(logged_in, participant):
    participant.gender_consent, participant.gender = True, Gender.MALE
    participant.save()

    logged_in.post(reverse("accounts:profile"), _form(participant, gender_consent=None, gender=Gender.MALE))

    participant.refresh_from_db()
    assert participant.gender_consent is False
    assert participant.gender == ""


def test_invalid_profile_edit_changes_nothing_and_says_why(logged_in, participant):
    response = logged_in.post(reverse("accounts:profile"), _form(participant, display_name="  ", sector="pirates"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("display_name") and form.has_error("sector")
    assert soup(response).select_one("main .form-errors[role=alert]") is not None
    participant.refresh_from_db()
    assert participant.display_name == "Marta Chávez"


def test_requested_organisation_stays_selectable_while_awaiting_verification(logged_in, participant):
    logged_in.post(reverse("accounts:profile"), _form(participant, new_organisation="Comité de Regantes"))
    participant.refresh_from_db()
    requested = participant.organisation
    assert (requested.name, requested.verified, requested.requested_by) == (
        "Comité de Regantes",
        False,
        participant.user,
    )

    form = logged_in.get(reverse("accounts:profile")).context["form"]
    assert form.initial["organisation"] == requested.pk
    assert requested in form.fields["organisation"].queryset
    assert "awaiting verification" in form.fields["organisation"].label_from_instance(requested)

    response = logged_in.post(reverse("accounts:profile"), _form(participant, organisation=requested.pk))
    assert response.status_code == 302
    assert Organisation.objects.filter(name__iexact="comité de regantes").count() == 1


def test_profile_lists_own_contributions_with_links(logged_in, participant, plan):
    page = ConsultationPageFactory(parent=plan, title="Agua para Celendín")
    mine = contribution_create(target=page, author=participant.user, text="Propongo mesas por distrito.")
    withdrawn = contribution_create(target=page, author=participant.user, text="Texto que retiro luego.")
    contribution_withdraw(contribution=withdrawn, author=participant.user)
    someone_else = ParticipantFactory()
    contribution_create(target=page, author=someone_else.user, text="Aporte de otra persona.")

    response = logged_in.get(reverse("accounts:profile"))
    link = soup(response).select_one(f'main a[href="{mine.get_absolute_url()}"]')
    item = link.find_parent("li")

    assert "Agua para Celendín" in text(item)
    assert "Propongo mesas por distrito." in text(item)
    # Nowhere in the document, not only in the list: withdrawn and other people's words stay out.
    assert "Texto que retiro luego." not in response.content.decode()
    assert "Aporte de otra persona." not in response.content.decode()


def test_header_offers_login_and_registration_then_profile_and_logout(client, participant):
    account_nav = soup(client.get(reverse("accounts:login"))).select_one("header .account-nav")
    assert reverse("accounts:register") in [link["href"] for link in account_nav.select("a")]

    client.force_login(participant.user)
    account_nav = soup(client.get(reverse("accounts:profile"))).select_one("header .account-nav")
    assert account_nav.select_one(f'form[method=post][action="{reverse("accounts:logout")}"] button') is not None
    assert reverse("accounts:register") not in [link["href"] for link in account_nav.select("a")]


def test_update_service_refuses_an_unknown_sector(participant):
    with pytest.raises(ValidationError) as refused:
        services.participant_update(
            participant=participant, display_name="X", sector="pirates", territory=participant.territory
        )

    assert "pirates" in refused.value.message_dict["sector"][0]
