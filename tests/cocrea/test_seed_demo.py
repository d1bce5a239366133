import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from cocrea.models import HomePage, SiteIdentity

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_leaves_one_copy(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert HomePage.objects.filter(locale__language_code="es").count() == 1
    assert HomePage.objects.filter(locale__language_code="en").count() == 1
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert Site.objects.count() == 1
    assert Page.objects.filter(depth=2).count() == 2  # the Spanish home and its English translation
    assert "password:" in first and "shown only now" in first
    assert "shown only now" not in second


def test_seed_demo_makes_the_home_page_the_site_root():
    call_command("seed_demo")

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.title == "Gobierno Regional de Cajamarca"
    assert SiteIdentity.for_site(site).is_demo


def test_seed_demo_uses_the_given_admin_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "una-clave-larga-de-prueba")

    call_command("seed_demo")

    assert get_user_model().objects.get(username="admin").check_password("una-clave-larga-de-prueba")
