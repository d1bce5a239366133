"""``manage.py create_participant``: one participant from options, or many from a CSV file."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Organisation, Participant
from discussions.rules import participant_refusal

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,password,display_name,sector,territory,organisation\n"


def _create(**options) -> str:
    arguments = {
        "email": "Jose.Tello@Example.org",
        "password": "Cosecha-de-cafe-2025",
        "display_name": "José Tello",
        "sector": "private_sector",
        "territory": "JAEN",
        "organisation": "",
    }
    arguments.update(options)
    out = StringIO()
    call_command("create_participant", stdout=out, **arguments)
    return out.getvalue()


def _csv(tmp_path, *rows: str):
    path = tmp_path / "participantes.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_creates_a_confirmed_participant_who_can_take_part():
    out = _create(organisation="Cooperativa Cafetalera de Jaén")

    participant = Participant.objects.select_related("user", "organisation", "territory").get()
    assert participant.user.username == participant.user.email == "jose.tello@example.org"
    assert participant.user.check_password("Cosecha-de-cafe-2025")
    assert participant.display_name == "José Tello"
    assert participant.territory.slug == "jaen"
    assert participant.terms_accepted_at is not None
    assert participant.is_confirmed
    assert participant_refusal(participant.user) is None
    assert (participant.organisation.name, participant.organisation.verified) == (
        "Cooperativa Cafetalera de Jaén",
        True,
    )
    assert "jose.tello@example.org" in out


def test_an_existing_organisation_is_matched_whatever_its_case():
    existing = OrganisationFactory(name="Cooperativa Cafetalera de Jaén")

    _create(organisation="COOPERATIVA cafetalera de jaén")

    assert Participant.objects.get().organisation == existing
    assert Organisation.objects.count() == 1


def test_unknown_sector_is_refused_naming_it_and_the_valid_ones():
    with pytest.raises(CommandError) as refused:
        _create(sector="ngo")

    message = str(refused.value)
    assert "“ngo”" in message
    assert "civil_society" in message and "academia" in message
    assert not get_user_model().objects.exists()


def test_unknown_territory_is_refused_naming_it_and_the_valid_ones():
    with pytest.raises(CommandError) as refused:
        _create(territory="Lima")

    message = str(refused.value)
    assert "“Lima”" in message
    assert "Jaén" in message and "San Ignacio" in message
    assert not get_user_model().objects.exists()


def test_existing_email_is_refused():
    UserFactory(username="jose.tello@example.org")

    with pytest.raises(CommandError, match=re.escape("jose.tello@example.org already exists")):
        _create()

    assert not Participant.objects.exists()


def test_missing_options_are_named():
    with pytest.raises(CommandError, match="--display-name"):
        call_command("create_participant", email="a@example.org", password="x", sector="citizen", territory="Chota")


def test_csv_creates_every_row(tmp_path):
    path = _csv(
        tmp_path,
        "ana@example.org,Clave-larga-de-Ana-1,Ana Díaz,citizen,Chota,",
        "beto@example.org,Clave-larga-de-Beto-2,Beto Ríos,academia,celendin,Universidad Nacional de Cajamarca",
    )
    out = StringIO()

    call_command("create_participant", from_csv=path, stdout=out)

    assert "Created 2" in out.getvalue()
    beto = Participant.objects.get(user__username="beto@example.org")
    assert beto.territory.name == "Celendín"
    assert beto.organisation.verified
    assert Participant.objects.filter(email_confirmed_at__isnull=False).count() == 2


def test_csv_with_an_invalid_row_creates_nothing_and_names_its_line(tmp_path):
    path = _csv(
        tmp_path,
        "ana@example.org,Clave-larga-de-Ana-1,Ana Díaz,citizen,Chota,Nueva Organización",
        "beto@example.org,Clave-larga-de-Beto-2,Beto Ríos,pirates,Chota,",
        "carla@example.org,Clave-larga-de-Carla-3,Carla Paz,citizen,Chota,",
    )

    with pytest.raises(CommandError) as refused:
        call_command("create_participant", from_csv=path)

    message = str(refused.value)
    assert "line 3:" in message and "“pirates”" in message
    assert "line 2" not in message and "line 4" not in message
    assert "nothing was created" in message
    assert not get_user_model().objects.exists()
    assert not Organisation.objects.exists()


def test_csv_reports_every_invalid_row_including_repeated_addresses(tmp_path):
    path = _csv(
        tmp_path,
        "ana@example.org,Clave-larga-de-Ana-1,Ana Díaz,citizen,Chota,",
        "ANA@example.org,Clave-larga-de-Ana-1,Ana Otra,citizen,Chota,",
        "beto@example.org,Clave-larga-de-Beto-2,Beto Ríos,citizen,Lima,",
        "carla@example.org,Clave-larga-de-Carla-3,Carla Paz,citizen,Chota,",
        "dora@example.org,Clave-larga-de-Dora-4,Dora Paz,citizen,Chota,",
    )
    UserFactory(username="carla@example.org")

    with pytest.raises(CommandError) as refused:
        call_command("create_participant", from_csv=path)

    message = str(refused.value)
    assert "3 invalid row(s)" in message
    assert "line 3:" in message and "ana@example.org already exists" in message
    assert "line 4:" in message and "“Lima”" in message
    assert "line 5:" in message and "carla@example.org already exists" in message
    assert "line 2:" not in message and "line 6:" not in message
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["carla@example.org"]


def test_csv_without_the_expected_columns_is_refused(tmp_path):
    path = tmp_path / "incompleto.csv"
    path.write_text("email,password\nana@example.org,Clave-larga-de-Ana-1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="display_name, sector, territory, organisation"):
        call_command("create_participant", from_csv=path)
