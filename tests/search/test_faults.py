"""The engine down: contributions are still accepted and queued for indexing, the search
page falls back to the database with a notice, and search_check repairs the index when
the engine is back."""

import io
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from discussions import services
from search import query
from search.engines import get_engine
from search.models import IndexingBacklog, SearchDocument
from tests.accounts.factories import ParticipantFactory

# Real commits, so indexing runs where it does in production: after the commit.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def engine_down(settings):
    real = settings.SEARCH_URL
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_URL = "http://127.0.0.1:9"  # the discard port: nothing answers
    settings.SEARCH_TIMEOUT = 1
    settings.SEARCH_INDEX_PREFIX = f"cocrea-test-{uuid.uuid4().hex[:12]}"
    return real


@pytest.fixture
def posted(engine_down, consultation):
    author = ParticipantFactory(display_name="Rosa Huamán")
    consultation.save_revision().publish()
    return services.contribution_create(
        target=consultation, author=author.user, text="Semáforos sonoros en la plaza de armas."
    )


def test_a_contribution_is_accepted_and_waits_for_the_engine(posted):
    assert posted.pk and posted.is_visible
    entry = IndexingBacklog.objects.get(key=f"contribution:{posted.pk}")
    assert entry.attempts == 1
    assert entry.retry_after > timezone.now()
    assert "127.0.0.1:9" in entry.last_error or "Connection" in entry.last_error
    # The fallback already has it.
    assert SearchDocument.objects.filter(doc_id=f"contribution-{posted.pk}").exists()


def test_the_search_page_falls_back_to_the_database_and_says_so(client, posted):
    with_the_engine_down = client.get(reverse("search:page"), {"q": "semaforos"})
    html = with_the_engine_down.content.decode()
    assert with_the_engine_down.status_code == 200
    assert "El servicio de búsqueda no responde" in html
    assert f"#c{posted.pk}" in html
    data = client.get(reverse("search_api:results"), {"q": "semaforos"}).json()
    assert data["fallback"] is True and data["total"] >= 1


def test_suggestions_fall_back_too(client, posted, consultation):
    response = client.get(reverse("search_api:suggest"), {"q": consultation.title[:12]})
    assert response.status_code == 200
    assert response.json()["suggestions"]


def test_search_check_says_the_engine_is_down_without_losing_the_backlog(posted):
    with pytest.raises(Exception, match="unavailable"):
        call_command("search_check", stdout=io.StringIO())
    assert IndexingBacklog.objects.filter(key=f"contribution:{posted.pk}").exists()


@pytest.mark.opensearch
def test_when_the_engine_returns_search_check_catches_up(posted, engine_down, settings):
    settings.SEARCH_URL = engine_down
    settings.SEARCH_TIMEOUT = 10
    engine = get_engine()
    try:
        output = io.StringIO()
        call_command("search_check", stdout=output)
        assert "Backlog: 1 changes waiting" in output.getvalue() or "Backlog:" in output.getvalue()
        assert not IndexingBacklog.objects.exists()
        engine.refresh()
        results = query.search({"q": ["semaforos"]})
        assert results.engine == "opensearch" and not results.fallback
        assert any(hit.url.endswith(f"#c{posted.pk}") for hit in results.hits)
    finally:
        engine.drop()


@pytest.mark.opensearch
def test_when_the_engine_returns_the_next_change_brings_what_waited(posted, engine_down, settings, consultation):
    """No waiting for the first contribution's own retry: the first pass that reaches the
    engine again takes everything that waited for it."""
    from django.core.cache import cache

    from search.indexing import ENGINE_DOWN_KEY

    settings.SEARCH_URL = engine_down
    settings.SEARCH_TIMEOUT = 10
    cache.delete(ENGINE_DOWN_KEY)
    engine = get_engine()
    try:
        later = services.contribution_create(
            target=consultation, author=ParticipantFactory().user, text="Rampas en cada paradero del centro."
        )
        assert not IndexingBacklog.objects.exists()
        engine.refresh()
        assert set(engine.ids_for([f"contribution:{posted.pk}", f"contribution:{later.pk}"])) >= {
            f"contribution-{posted.pk}",
            f"contribution-{later.pk}",
        }
    finally:
        engine.drop()


@pytest.mark.opensearch
def test_the_worker_retries_once_however_many_changes_waited(engine_down, settings, consultation):
    """With the task worker: the changes made while the engine is down schedule one retry
    between them, and that retry, once the engine is back, indexes them all."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from search.indexing import ENGINE_DOWN_KEY

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    consultation.save_revision().publish()
    posted = [
        services.contribution_create(target=consultation, author=ParticipantFactory().user, text=text)
        for text in ("Agua para Cutervo.", "Internet en las escuelas de San Ignacio.", "Caminos rurales en Chota.")
    ]
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    waiting = DBTaskResult.objects.filter(status="READY", task_path="search.indexing.process_backlog_task")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now()
    assert IndexingBacklog.objects.count() >= len(posted)

    # The retry comes while another change has just found the engine down again: it
    # postpones everything once more, and schedules the next retry.
    cache.set(ENGINE_DOWN_KEY, "still down", 60)
    with time_machine.travel(waiting.get().run_after + timedelta(seconds=1)):
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert waiting.count() == 1 and IndexingBacklog.objects.count() >= len(posted)

    settings.SEARCH_URL = engine_down
    settings.SEARCH_TIMEOUT = 10
    cache.delete(ENGINE_DOWN_KEY)  # as the time it stands for has passed
    engine = get_engine()
    try:
        with time_machine.travel(waiting.get().run_after + timedelta(seconds=1)):
            call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
        assert not IndexingBacklog.objects.exists()
        engine.refresh()
        expected = {f"contribution-{contribution.pk}" for contribution in posted}
        assert set(engine.ids_for([f"contribution:{contribution.pk}" for contribution in posted])) >= expected
    finally:
        engine.drop()
