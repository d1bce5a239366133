"""search_reindex rebuilds without downtime; search_check finds drift and repairs it."""

import io

import pytest
from django.core.management import call_command

from discussions import services
from search.documents import Document
from search.engines import database_engine
from search.models import SearchDocument
from tests.accounts.factories import ParticipantFactory
from tests.search.conftest import index_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributions(engine, consultation):
    consultation.save_revision().publish()
    author = ParticipantFactory()
    found = [
        services.contribution_create(target=consultation, author=author.user, text=text, check_rules=False)
        for text in ("Agua potable para los caseríos.", "Semáforos en la plaza.", "Ciclovías en Jaén.")
    ]
    index_now()
    return found


def _run(*args) -> str:
    output = io.StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


def test_reindex_writes_everything_into_a_new_index_behind_the_alias(engine, contributions):
    before = engine.client.indices.get_alias(name=engine.alias) if engine.name == "opensearch" else None
    output = _run("search_reindex")
    assert "Database documents: 5 written." in output  # 3 contributions, the consultation, the plan
    if engine.name == "opensearch":
        after = engine.client.indices.get_alias(name=engine.alias)
        assert len(after) == 1 and set(after) != set(before)
        assert not engine.client.indices.exists(index=next(iter(before)))
        engine.refresh()
        assert len(engine.fingerprints()) == 5


def test_check_finds_drift_reports_it_and_repairs_it(engine, contributions):
    first = contributions[0]
    # The database documents lose one and gain one that should not exist...
    SearchDocument.objects.filter(doc_id=f"contribution-{first.pk}").delete()
    ghost = Document(
        id="contribution-999999",
        kind="contribution",
        title="x",
        text="fantasma",
        url="/x/",
        language="es",
        created=first.submit_date,
    )
    database_engine().write([("contribution:999999", ghost)])
    if engine.name == "opensearch":  # ...and the engine loses another and gains a stray one.
        stray = Document(**{**ghost.__dict__, "id": "contribution-999998"})
        engine.write([("contribution:999998", stray)], [f"contribution-{contributions[1].pk}"])
        engine.refresh()

    report = _run("search_check", "--dry-run")
    assert "Database documents: 1 missing, 0 out of date, 1 that should not be there." in report
    assert f"contribution-{first.pk}" in report and "contribution-999999" in report
    assert SearchDocument.objects.filter(doc_id="contribution-999999").exists()  # dry run: nothing changed

    repair = _run("search_check")
    assert "Database documents: repaired." in repair
    if engine.name == "opensearch":
        assert "Index (opensearch): 1 missing, 0 out of date, 1 that should not be there." in repair
        engine.refresh()
    assert "in step" in _run("search_check").split("Database documents:")[1]
    assert not SearchDocument.objects.filter(doc_id="contribution-999999").exists()


@pytest.mark.opensearch
def test_a_new_index_refreshes_every_second_even_before_anyone_searches_it(settings):
    import uuid

    from search.engines.opensearch import OpenSearchEngine

    engine = OpenSearchEngine(prefix=f"cocrea-test-{uuid.uuid4().hex[:12]}")
    try:
        engine.ensure_index()
        index_settings = engine.client.indices.get_settings(index=engine.alias)
        assert next(iter(index_settings.values()))["settings"]["index"]["refresh_interval"] == "1s"
    finally:
        engine.drop()
