"""Registration, e-mail confirmation, login, logout and password reset, through the views."""

import re
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import tokens
from accounts.models import Organisation, Participant
from core.models import Gender, Sector, Territory
from discussions.rules import participant_refusal
from tests.parsed import soup, text, texts

from .factories import OrganisationFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lluvia-en-Cutervo-2025"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The resend throttle lives in the cache, which outlives each test's transaction.
    cache.clear()
    yield
    cache.clear()


def _form(**overrides) -> dict:
    data = {
        "email": "Rosa.Quispe@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "Rosa Quispe",
        "sector": Sector.CITIZEN,
        "territory": Territory.objects.get(slug="jaen").pk,
        "organisation": "",
        "new_organisation": "",
        "gender": "",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value else None


def test_registration_confirmation_link_lets_the_participant_take_part(client):
    response = client.post(reverse("accounts:register"), _form())

    assert response.status_code == 200  # "check your e-mail": the same whether the address was new or not
    assert "rosa.quispe@example.org" in BeautifulSoup(response.content, "html.parser").get_text()
    user = get_user_model().objects.get(username="rosa.quispe@example.org")
    assert user.email == "rosa.quispe@example.org"
    participant = user.participant
    assert participant.display_name == "Rosa Quispe"
    assert participant.territory.slug == "jaen"
    assert participant.terms_accepted_at is not None
    assert participant.email_confirmed_at is None
    assert participant_refusal(user) is not None
    assert _logged_in_user_id(client) is None  # logged in by the link, not by the form

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rosa.quispe@example.org"]
    link = _link_in(mail.outbox[0])
    assert link.startswith("http://testserver/en/cuenta/confirmar/")

    client.logout()
    response = client.get(_path(link))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.participant.email_confirmed_at is not None
    assert participant_refusal(user) is None
    assert _logged_in_user_id(client) == user.pk


def test_a_used_confirmation_link_does_not_log_in_again(client):
    client.post(reverse("accounts:register"), _form())
    link = _path(_link_in(mail.outbox[0]))
    client.get(link)
    client.logout()

    response = client.get(link)

    assert response["Location"] == reverse("accounts:login")
    assert _logged_in_user_id(client) is None


def test_expired_link_says_so_and_offers_a_new_one(client, settings):
    client.post(reverse("accounts:register"), _form())
    link = _path(_link_in(mail.outbox[0]))
    client.logout()

    with time_machine.travel(timezone.now() + timedelta(days=settings.ACCOUNTS_CONFIRMATION_DAYS, hours=1)):
        response = client.get(link)

    assert response.status_code == 400
    page = soup(response)
    assert text(page.select_one("main h1")) == "This link has expired"
    assert page.select_one(f'main form[action="{reverse("accounts:confirm_resend")}"]') is not None
    assert Participant.objects.get().email_confirmed_at is None

    response = client.post(reverse("accounts:confirm_resend"), {"email": "ROSA.QUISPE@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    client.get(_path(_link_in(mail.outbox[1])))
    assert Participant.objects.get().email_confirmed_at is not None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        lambda token: token.split(":")[0] + ":x:y",
    ],
    ids=["altered-signature", "garbage"],
)
def test_forged_link_is_refused(client, tamper):
    participant = ParticipantFactory(email_confirmed_at=None)
    token = tokens.confirmation_token(user_id=participant.user_id, email=participant.user.email)

    response = client.get(reverse("accounts:confirm", kwargs={"token": tamper(token)}))

    assert response.status_code == 400
    assert text(soup(response).select_one("main h1")) == "This link is not valid"
    participant.refresh_from_db()
    assert participant.email_confirmed_at is None
    assert _logged_in_user_id(client) is None


def test_link_made_for_another_address_is_refused(client):
    participant = ParticipantFactory(email_confirmed_at=None)
    token = tokens.confirmation_token(user_id=participant.user_id, email="someone.else@example.org")

    response = client.get(reverse("accounts:confirm", kwargs={"token": token}))

    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.email_confirmed_at is None


def test_resend_answers_the_same_for_unknown_addresses_and_sends_nothing(client):
    ParticipantFactory(user__username="ya.confirmada@example.org")

    for email in ("nadie@example.org", "ya.confirmada@example.org"):
        response = client.post(reverse("accounts:confirm_resend"), {"email": email}, follow=True)
        assert "a new link is on its way" in text(soup(response).select_one("main ul.messages[role=status] li"))

    assert mail.outbox == []


def test_resending_is_throttled(client, settings):
    settings.ACCOUNTS_MAIL_PER_ADDRESS = "1/h"
    ParticipantFactory(user__username="lenta@example.org", email_confirmed_at=None)

    client.post(reverse("accounts:confirm_resend"), {"email": "lenta@example.org"})
    client.post(reverse("accounts:confirm_resend"), {"email": "lenta@example.org"})

    assert len(mail.outbox) == 1


def test_a_duplicate_email_is_told_to_its_owner_not_to_the_form(client):
    UserFactory(username="rosa.quispe@example.org")

    response = client.post(reverse("accounts:register"), _form())

    assert response.status_code == 200
    assert "accounts/register_done.html" in [template.name for template in response.templates]
    assert get_user_model().objects.count() == 1
    assert [message.to for message in mail.outbox] == [["rosa.quispe@example.org"]]
    assert "already has an account" in mail.outbox[0].body


def test_errors_are_summarised_at_the_top_and_shown_beside_fields(client):
    response = client.post(reverse("accounts:register"), _form(accept_terms=None, password2="otra-cosa-distinta"))

    page = soup(response)
    summary = page.select_one("main .form-errors[role=alert]")
    password2 = page.select_one("main input[name=password2]")
    assert "Password again: The two passwords are different." in texts(summary, "li")
    assert password2["aria-invalid"] == "true"
    # Beside the field: the message its aria-describedby points to.
    described = [page.find(id=name) for name in password2["aria-describedby"].split()]
    assert "The two passwords are different." in [text(element) for element in described if element]
    assert not Participant.objects.exists()


def test_weak_password_is_refused(client):
    response = client.post(reverse("accounts:register"), _form(password1="12345678", password2="12345678"))

    assert response.context["form"].has_error("password1")
    assert not get_user_model().objects.exists()


def test_terms_must_be_accepted(client):
    response = client.post(reverse("accounts:register"), _form(accept_terms=None))

    assert response.context["form"].has_error("accept_terms")
    assert not get_user_model().objects.exists()


def test_gender_without_consent_is_not_stored(client):
    client.post(reverse("accounts:register"), _form(gender=Gender.FEMALE))

    participant = Participant.objects.get()
    assert participant.gender == ""
    assert participant.gender_consent is False


def test_gender_with_consent_is_stored(client):
    client.post(reverse("accounts:register"), _form(gender=Gender.FEMALE, gender_consent="on"))

    participant = Participant.objects.get()
    assert (participant.gender, participant.gender_consent) == (Gender.FEMALE, True)


def test_registration_with_a_verified_organisation(client):
    organisation = OrganisationFactory(name="Ronda Campesina de Chota")
    OrganisationFactory(name="Pendiente", verified=False)

    response = client.get(reverse("accounts:register"))
    assert list(response.context["form"].fields["organisation"].queryset) == [organisation]

    client.post(reverse("accounts:register"), _form(organisation=organisation.pk))

    assert Participant.objects.get().organisation == organisation


def test_requesting_a_new_organisation_creates_it_unverified(client):
    client.post(reverse("accounts:register"), _form(new_organisation="  Mesa de  Concertación de Jaén "))

    participant = Participant.objects.select_related("organisation").get()
    organisation = participant.organisation
    assert organisation.name == "Mesa de Concertación de Jaén"
    assert organisation.verified is False
    assert organisation.requested_by == participant.user


def test_choosing_and_requesting_an_organisation_at_once_is_refused(client):
    organisation = OrganisationFactory()

    response = client.post(reverse("accounts:register"), _form(organisation=organisation.pk, new_organisation="Otra"))

    assert response.context["form"].has_error("new_organisation")
    assert not Organisation.objects.filter(name="Otra").exists()


def test_login_with_email_and_logout(client):
    participant = ParticipantFactory(user__username="luis@example.org")

    response = client.get(reverse("accounts:login"))
    assert response.context["form"].fields["username"].label == "E-mail"

    response = client.post(
        reverse("accounts:login"), {"username": "Luis@Example.org", "password": "contraseña-de-prueba-1"}
    )
    assert response.status_code == 302
    assert _logged_in_user_id(client) == participant.user_id

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtail_serve", args=[""])  # the home page
    assert _logged_in_user_id(client) is None


def test_wrong_password_is_refused_with_a_clear_message(client):
    ParticipantFactory(user__username="luis@example.org")

    response = client.post(reverse("accounts:login"), {"username": "luis@example.org", "password": "no-es-esta"})

    assert response.status_code == 200
    assert "That e-mail and password do not match an account" in text(soup(response).select_one("main [role=alert]"))
    assert _logged_in_user_id(client) is None


def test_login_before_confirmation_is_allowed_with_a_reminder(client):
    participant = ParticipantFactory(user__username="nueva@example.org", email_confirmed_at=None)

    response = client.post(
        reverse("accounts:login"), {"username": "nueva@example.org", "password": "contraseña-de-prueba-1"}
    )

    assert _logged_in_user_id(client) == participant.user_id
    notices = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(notice.startswith("Confirm your e-mail address before taking part") for notice in notices)


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    ParticipantFactory(user__username="olvido@example.org")

    response = client.post(reverse("accounts:password_reset"), {"email": "Olvido@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olvido@example.org"]
    link = _link_in(mail.outbox[0])
    assert link.startswith("http://testserver/en/cuenta/contrasena/")

    response = client.get(_path(link), follow=True)
    set_password_url = response.redirect_chain[-1][0]
    new_password = "Nuevo-camino-a-Chota-77"
    response = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})

    assert response["Location"] == reverse("accounts:password_reset_complete")
    logged_in = client.post(reverse("accounts:login"), {"username": "olvido@example.org", "password": new_password})
    assert logged_in.status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nadie@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
