import pytest

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
def contribute(consultation):
    """Post as a participant through the service, the one write path."""

    def _contribute(participant, text="Propongo publicar el presupuesto por provincia.", **kwargs):
        kwargs.setdefault("target", consultation)
        return services.contribution_create(author=participant.user, text=text, **kwargs)

    return _contribute
