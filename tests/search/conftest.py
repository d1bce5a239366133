import io
import uuid

import pytest
from django.core.management import call_command

from search import indexing
from search.engines import get_engine
from tests.consultations.factories import ConsultationPageFactory, section

ENGINES = [
    pytest.param("database", id="database"),
    pytest.param("opensearch", id="opensearch", marks=pytest.mark.opensearch),
]


@pytest.fixture(params=ENGINES)
def engine(request, settings, db):
    """Each engine in turn; OpenSearch with an index of this test's own, dropped after."""
    if request.param == "opensearch":
        settings.SEARCH_ENGINE = "opensearch"
        settings.SEARCH_INDEX_PREFIX = f"cocrea-test-{uuid.uuid4().hex[:12]}"
        engine = get_engine()
        yield engine
        engine.drop()
    else:
        settings.SEARCH_ENGINE = "database"
        yield get_engine()


@pytest.fixture
def database_only(settings):
    settings.SEARCH_ENGINE = "database"


def index_now() -> None:
    """Run what the task would run after the commit, and make it visible at once."""
    indexing.process_backlog(everything=True)
    get_engine().refresh()


def reindex() -> None:
    call_command("search_reindex", stdout=io.StringIO())
    get_engine().refresh()


@pytest.fixture
def consultation(plan):
    return ConsultationPageFactory(
        parent=plan,
        title="Presupuesto participativo abierto",
        summary="Abrir todas las fases del presupuesto participativo a las trece provincias.",
        body=[
            section("Objetivo", "objetivo", "<p>Que la ciudadanía priorice obras en audiencias públicas.</p>"),
            section("Actividades", "actividades", "<p>Talleres descentralizados en Jaén y Celendín.</p>"),
        ],
    )
