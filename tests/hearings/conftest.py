import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from core.roles import EDITORS, GOVERNMENT, MODERATORS
from hearings import services
from tests.accounts.factories import ParticipantFactory, UserFactory
from tests.hearings.factories import HearingIndexPageFactory, hearing_page


@pytest.fixture(autouse=True)
def _english():
    """Services and pages answer in English here, the language of the message ids; the
    catalogue tests check that every message has its Spanish."""
    with translation.override("en"):
        yield


@pytest.fixture
def hearing_index(home_page):
    return HearingIndexPageFactory(parent=home_page)


@pytest.fixture
def hearing(hearing_index):
    return hearing_page(hearing_index)


@pytest.fixture
def participant(db):
    return ParticipantFactory(display_name="Rosa Huamán")


@pytest.fixture
def other(db):
    return ParticipantFactory(display_name="Mesa de Concertación de Jaén")


def _staff(group: str, name: str):
    user = UserFactory(username=f"{name}@example.org")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def moderator(db):
    return _staff(MODERATORS, "moderadora")


@pytest.fixture
def government(db):
    """Government staff: they enter questions from other channels and answer in writing."""
    return _staff(GOVERNMENT, "gerencia")


@pytest.fixture
def editor(db):
    return _staff(EDITORS, "editora")


@pytest.fixture
def ask(hearing):
    """A participant asks through the service, the one write path."""

    def _ask(participant, text="¿Cuándo llegan los médicos especialistas a Chota?", **kwargs):
        kwargs.setdefault("hearing", hearing)
        return services.question_ask(author=participant.user, text=text, **kwargs)

    return _ask
