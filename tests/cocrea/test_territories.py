import pytest

from core.models import Sector, Territory

pytestmark = pytest.mark.django_db


def test_the_thirteen_provinces_of_cajamarca_are_loaded():
    assert Territory.objects.count() == 13
    assert set(Territory.objects.values_list("slug", flat=True)) >= {"jaen", "san-ignacio", "celendin", "santa-cruz"}


@pytest.mark.parametrize("value", ["jaen", "Jaén", "JAEN", " jaén "])
def test_territory_lookup_accepts_slug_or_name(value):
    assert Territory.objects.lookup(value).slug == "jaen"


def test_territory_lookup_refuses_unknown_place():
    with pytest.raises(Territory.DoesNotExist):
        Territory.objects.lookup("Lima")


def test_sector_codes_are_stable():
    assert Sector.values == [
        "government",
        "civil_society",
        "private_sector",
        "academia",
        "citizen",
        "international",
    ]
