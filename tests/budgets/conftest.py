import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from core.models import Territory
from core.roles import EDITORS, GOVERNMENT, TECHNICAL_TEAM
from tests.accounts.factories import ParticipantFactory

from . import factories


@pytest.fixture
def in_english():
    """Messages as written in the code (English, the source language); pages are read in
    both languages by the view tests."""
    with translation.override("en"):
        yield


def _member(group: str, **fields):
    participant = ParticipantFactory(**fields)
    participant.user.groups.add(Group.objects.get_or_create(name=group)[0])
    return type(participant.user).objects.get(pk=participant.user.pk)  # permissions read afresh


@pytest.fixture
def voter(db):
    """A confirmed participant of Jaén."""
    return ParticipantFactory(display_name="Rosa Huamán", territory=Territory.objects.get(slug="jaen"))


@pytest.fixture
def author(db):
    return ParticipantFactory(display_name="Mesa de Concertación de Jaén", territory=Territory.objects.get(slug="jaen"))


@pytest.fixture
def technician(db):
    return _member(TECHNICAL_TEAM, display_name="Equipo técnico")


@pytest.fixture
def planner(db):
    return _member(EDITORS, display_name="Oficina de Presupuesto Participativo")


@pytest.fixture
def clerk(db):
    return _member(GOVERNMENT, display_name="Personal del taller de Jaén")


@pytest.fixture
def voting(home_page):
    return factories.edition(home_page, phase="voting", envelopes={"jaen": 1000, "chota": 500, None: 1300})


@pytest.fixture
def candidates(voting, author):
    """Three viable projects in Jaén, two region-wide, one not viable, two in Chota."""
    make = factories.proposal
    return {
        "reservorio": make(voting, author.user, title="Reservorio de Bellavista", cost=400),
        "canal": make(voting, author.user, title="Canal de riego", cost=350),
        "posta": make(voting, author.user, title="Equipos para la posta", cost=300),
        "telemedicina": make(voting, author.user, title="Telemedicina regional", province=None, cost=900),
        "becas": make(voting, author.user, title="Becas de conectividad", province=None, cost=500),
        "carretera": make(voting, author.user, title="Carretera de doble vía", cost=5000, viability="not_viable"),
        "chota": make(voting, author.user, title="Agua para Cabracancha", province="chota", cost=380),
        "sorochuco": make(voting, author.user, title="Losa de Sorochuco", province="chota", cost=300),
    }
