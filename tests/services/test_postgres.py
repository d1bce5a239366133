import pytest
from django.db import connection

from core.models import Territory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_round_trip_through_the_real_postgresql():
    Territory.objects.create(name="Provincia de Prueba", slug="provincia-de-prueba", region="Cajamarca")

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), current_setting('server_encoding')")
        version, encoding = cursor.fetchone()
    found = Territory.objects.get(slug="provincia-de-prueba")

    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")
    assert encoding == "UTF8"
    assert found.name == "Provincia de Prueba"


def test_accented_names_survive_the_round_trip():
    assert Territory.objects.get(slug="celendin").name == "Celendín"
