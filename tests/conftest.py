"""Shared fixtures, and the gate for tests that need a real service.

A test marked ``postgres``, ``redis`` or ``opensearch`` runs only when that service is
configured (``make services-up`` writes the addresses ``make test`` reads). Otherwise it
is skipped and counted in one summary line — unless ``CI=true`` or
``COCREA_REQUIRE_SERVICES=1``, where a missing service fails the test.
"""

import logging
import os
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from tests import site

SERVICE_MARKERS = ("postgres", "redis", "opensearch")
#: What can behave differently on the embedded defaults (SQLite, the in-memory channel
#: layer, database search, the local-memory cache) than on the real services, and so runs
#: twice in CI: on the services (`make test`) and on the embedded defaults
#: (`make test-embedded`). Everything else runs once, on the services.
EMBEDDED_DIFFERS = {
    "tests/search/": "the database search engine: SQLite FTS5 there, PostgreSQL full-text here",
    "tests/discussions/test_live.py": "live updates through the in-memory channel layer",
    "tests/discussions/test_views.py": "queries and ordering on SQLite",
    "tests/discussions/test_import.py": "bulk inserts and the ids SQLite returns",
    "tests/discussions/test_statistics.py": "days in Lima time with SQLite's date functions",
    "tests/discussions/test_exports.py": "rows streamed from SQLite",
    "tests/discussions/test_services.py": "SQLite's locking instead of advisory locks",
    "tests/cocrea/test_seed_demo.py": "`make run`: the demo on SQLite",
    "tests/cocrea/test_site.py": "`make run`: the site on the embedded defaults",
    "tests/cocrea/test_settings.py": "the development settings `make run` uses",
    "tests/cocrea/test_health.py": "/readyz without Redis or a search engine",
    "tests/cocrea/test_page_routes.py": "routes remembered in the local-memory cache",
    "tests/cocrea/test_tasks.py": "the task queue on SQLite",
    "tests/accounts/test_throttling.py": "limits counted in the local-memory cache",
    "tests/browser/test_journeys.py": "the site as `make run` serves it",
    "tests/browser/test_live.py": "live updates through the in-memory channel layer",
    "tests/hearings/test_live.py": "a hearing's live queue through the in-memory channel layer",
    "tests/hearings/test_questions.py": "SQLite's locking instead of advisory locks",
    "tests/hearings/test_demo.py": "`make run`: the demo's hearings on SQLite",
    "tests/browser/test_hearings.py": "a hearing's live queue through the in-memory channel layer",
}
_not_run: Counter = Counter()


def _services_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("COCREA_REQUIRE_SERVICES") == "1"


def _configured(service: str) -> bool:
    if service == "postgres":
        return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if service == "redis":
        return bool(settings.REDIS_URL)
    if service == "opensearch":
        return settings.SEARCH_ENGINE == "opensearch"
    raise ValueError(service)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if any(path.startswith(prefix) for prefix in EMBEDDED_DIFFERS):
            item.add_marker(pytest.mark.embedded)
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            # Its flush would re-create content types the next serialised test restores again.
            raise pytest.UsageError(f"{item.nodeid}: a transactional test here also needs serialized_rollback=True")


def pytest_runtest_setup(item):
    for service in SERVICE_MARKERS:
        if item.get_closest_marker(service) and not _configured(service):
            if _services_required():
                pytest.fail(f"{service} is required here (CI) but is not configured", pytrace=False)
            _not_run[service] += 1
            pytest.skip(f"{service} is not configured (run `make services-up`)")


def pytest_terminal_summary(terminalreporter):
    if _not_run:
        counts = ", ".join(f"{service}: {count}" for service, count in sorted(_not_run.items()))
        terminalreporter.write_line(
            f"NOT RUN, service not configured — {counts}. Start them with `make services-up`.", yellow=True
        )
    else:
        configured = [service for service in SERVICE_MARKERS if _configured(service)]
        terminalreporter.write_line(f"Real services used: {', '.join(configured) or 'none (embedded defaults)'}")


@pytest.fixture
def home_page(db):
    return site.home_page()


@pytest.fixture
def plan(home_page):
    from tests.consultations.factories import ActionPlanPageFactory, PlanIndexPageFactory

    index = PlanIndexPageFactory(parent=home_page)
    return ActionPlanPageFactory(parent=index)


@pytest.fixture(autouse=True)
def _fail_on_swallowed_search_errors(caplog):
    """Wagtail's indexing logs and swallows engine errors; in tests they must fail loudly."""
    yield
    errors = [r for r in caplog.records if r.name.startswith("modelsearch") and r.levelno >= logging.ERROR]
    assert not errors, f"search indexing failed: {errors[0].getMessage()}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: with Redis, entries (Wagtail's site root paths,
    say) would otherwise outlive the database rows they describe."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def official(db):
    """A participant in the Government group: their replies may be marked official."""
    from django.contrib.auth.models import Group

    from core.roles import GOVERNMENT
    from tests.accounts.factories import ParticipantFactory

    participant = ParticipantFactory(display_name="Gerencia de Planeamiento", sector="government")
    participant.user.groups.add(Group.objects.get_or_create(name=GOVERNMENT)[0])
    return participant


def restore_initial_data() -> None:
    """The database as migrations left it: what a transactional test with
    ``serialized_rollback`` restores before it runs, and flushes after. A module that sets
    up its data once (a module-scoped fixture) calls this first, since pytest-django runs
    tests without a ``django_db`` mark after the transactional ones, which leave the
    database empty. The sequences are kept: the restored rows hold their ids."""
    connection = connections["default"]
    # As TransactionTestCase does: no post_migrate, whose rows the serialised data holds.
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def analyze(*app_labels: str, vacuum: bool = False) -> None:
    """On PostgreSQL, ``ANALYZE`` (or ``VACUUM ANALYZE``, outside a transaction) the tables
    of these apps, as autovacuum would soon after a bulk write: inside a test's
    transaction nothing else will, and tables last analysed empty are planned as holding
    nothing — nested loops over thousands of rows, minutes a query. By name: a
    whole-database ANALYZE also waits on the catalogues other databases are using."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for label in app_labels for model in apps.get_app_config(label).get_models()]
    with connection.cursor() as cursor:
        command = "VACUUM ANALYZE " if vacuum else "ANALYZE "
        cursor.execute(command + ", ".join(connection.ops.quote_name(table) for table in tables))


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb):
    """pytest-django's set-up, with the default database's initial data always serialised:
    the browser suite's shared demo site (tests/browser/conftest.py) restores it after
    its module, as a transactional test with ``serialized_rollback`` would."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            keepdb=django_db_keepdb and not django_db_createdb,
            serialized_aliases={"default"},
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)
