import pytest
from django.contrib.auth.models import Group

from consultations.roles import GOVERNMENT
from discussions import services
from tests.accounts.factories import ParticipantFactory
from tests.consultations.factories import ConsultationPageFactory


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(parent=plan, title="Presupuesto participativo abierto")


@pytest.fixture
def participant(db):
    return ParticipantFactory(display_name="Rosa Huamán")


@pytest.fixture
def other(db):
    return ParticipantFactory(display_name="Proética Cajamarca")


@pytest.fixture
def official(db):
    participant = ParticipantFactory(display_name="Gerencia de Planeamiento", sector="government")
    participant.user.groups.add(Group.objects.get_or_create(name=GOVERNMENT)[0])
    return participant


@pytest.fixture
def contribute(consultation):
    """Post as a participant through the service, the one write path."""

    def _contribute(participant, text="Propongo publicar el presupuesto por provincia.", **kwargs):
        kwargs.setdefault("target", consultation)
        return services.contribution_create(author=participant.user, text=text, **kwargs)

    return _contribute
