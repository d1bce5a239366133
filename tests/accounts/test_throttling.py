"""Guessing passwords, and making the site send mail: both stop, with a clear answer."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

from core.models import Territory
from tests.accounts.factories import ParticipantFactory

pytestmark = pytest.mark.django_db
RIGHT = "contraseña-de-prueba-1"  # the factories' password


@pytest.fixture
def rosa(db):
    return ParticipantFactory(user__username="rosa@example.org")


def _text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ")


@pytest.fixture(autouse=True)
def _spanish():
    """Every address in Spanish, whatever an earlier test left active."""
    with translation.override("es"):
        yield


def _site_login(client, email, password, address="198.51.100.10"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def _admin_login(client, email, password, address="198.51.100.10"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="es",
    )


@pytest.mark.parametrize("login", [_site_login, _admin_login], ids=["site", "admin"])
def test_after_five_wrong_passwords_even_the_right_one_waits(client, rosa, settings, login):
    answers = [login(client, "rosa@example.org", "no-es-esta").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)

    locked = login(client, "rosa@example.org", RIGHT)

    assert locked.status_code == 429
    assert "Demasiados intentos" in _text(locked)
    assert "_auth_user_id" not in client.session


def test_guessing_one_account_from_many_addresses_is_stopped_too(client, rosa, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _site_login(client, "ROSA@example.org", "no-es-esta", address=f"203.0.113.{number}")

    assert _site_login(client, "rosa@example.org", RIGHT, address="203.0.113.99").status_code == 429


def test_one_address_guessing_many_accounts_is_stopped(client, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        _site_login(client, f"nadie{number}@example.org", "no-es-esta")
    someone = ParticipantFactory(user__username="otra@example.org")

    assert _site_login(client, someone.user.username, RIGHT).status_code == 429


def test_a_right_password_before_the_limit_logs_in(client, rosa, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _site_login(client, "rosa@example.org", "no-es-esta")

    assert _site_login(client, "rosa@example.org", RIGHT).status_code == 302


def test_password_reset_mails_an_address_a_few_times_then_answers_the_same_without_mail(client, rosa):
    answers = [
        client.post(reverse("accounts:password_reset"), {"email": "rosa@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")
        for n in range(10)
    ]

    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("accounts:password_reset_done")}
    assert len(mail.outbox) == 3


def test_one_client_asking_for_many_resets_is_told_to_wait(client):
    answers = [
        client.post(reverse("accounts:password_reset"), {"email": f"p{n}@example.org"}, REMOTE_ADDR="192.0.2.50")
        for n in range(12)
    ]

    assert [answer.status_code for answer in answers].count(429) == 2
    assert "Demasiadas solicitudes" in _text(answers[-1])


def test_confirmation_links_are_throttled_per_address(client):
    ParticipantFactory(user__username="nueva@example.org", email_confirmed_at=None)

    for n in range(6):
        client.post(reverse("accounts:confirm_resend"), {"email": "nueva@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")

    assert len(mail.outbox) == 3


def test_registering_an_address_that_has_an_account_tells_nobody_but_its_owner(client, rosa):
    form = {
        "email": "Rosa@Example.org",
        "password1": "una-clave-nueva-y-larga",
        "password2": "una-clave-nueva-y-larga",
        "display_name": "Impostora",
        "sector": "citizen",
        "territory": str(Territory.objects.get(slug="jaen").pk),
        "accept_terms": "on",
    }
    taken = client.post(reverse("accounts:register"), form)
    form["email"] = "libre@example.org"
    free = client.post(reverse("accounts:register"), form)

    assert taken.status_code == free.status_code == 200
    assert _text(taken).replace("rosa@example.org", "X") == _text(free).replace("libre@example.org", "X")
    assert get_user_model().objects.filter(username__iexact="rosa@example.org").count() == 1
    to_rosa = [message for message in mail.outbox if message.to == ["rosa@example.org"]]
    assert len(to_rosa) == 1 and to_rosa[0].subject == "Ya tiene una cuenta"
    assert reverse("accounts:password_reset") in to_rosa[0].body
