"""Attacks on the site itself: headers a browser enforces, ids past what a database holds,
and what /readyz tells a stranger."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import ParticipantFactory
from tests.cocrea.test_settings import _run

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


def test_every_page_carries_a_strict_content_security_policy(client, home_page):
    response = client.get(home_page.url)

    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no other origin
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_the_admin_carries_the_same_policy(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))

    assert _directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cocrea.settings.production",
    "SECRET_KEY": "x" * 50,
    "BUDGETS_DNI_KEY": "y" * 50,
}


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "False False"), ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "SECURE_HSTS_PRELOAD": "1"}, "True True")],
)
def test_hsts_covers_subdomains_and_preloading_only_when_asked(env, expected):
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)"
    )
    result = _run(code, **PRODUCTION, **env)

    assert result.stdout.strip() == expected, result.stderr


HUGE = "9" * 20  # past 2⁶³


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v2/pages/{HUGE}/",
        f"/es/aportes/{HUGE}/responder/",
        f"/es/aportes/{HUGE}/reportar/",
    ],
)
def test_an_id_no_database_holds_is_a_404(client, home_page, path):
    assert client.get(path).status_code == 404


def test_an_id_too_large_in_a_form_post_is_a_404(client):
    client.force_login(ParticipantFactory().user)

    response = client.post(reverse("discussions:react", args=[10**17]), {"kind": "support"})

    assert response.status_code == 404


def test_readyz_tells_a_stranger_only_the_status(client, settings):
    settings.READYZ_TOKEN = "un-token-largo-de-operacion"

    stranger = client.get(reverse("readyz"), REMOTE_ADDR="203.0.113.7").json()
    operator = client.get(
        reverse("readyz"), REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer un-token-largo-de-operacion"
    ).json()
    wrong = client.get(reverse("readyz"), REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer adivinado").json()

    assert stranger == {"status": stranger["status"]} and wrong == {"status": wrong["status"]}
    assert "database" in operator["checks"]


@override_settings(READYZ_TOKEN="")
def test_readyz_without_a_token_gives_details_only_to_this_machine(client):
    assert "checks" in client.get(reverse("readyz"), REMOTE_ADDR="127.0.0.1").json()
    assert "checks" not in client.get(reverse("readyz"), REMOTE_ADDR="198.51.100.2").json()
