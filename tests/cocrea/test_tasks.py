from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_database_backend_queues_work_for_db_worker(home_page):
    home_page.title = "Gobierno Regional de Cajamarca — edición"
    home_page.save_revision().publish()
    queued = DBTaskResult.objects.filter(status="READY").count()

    call_command("db_worker", batch=True, verbosity=0)

    assert queued > 0
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == queued


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_db_worker_waits_for_the_database_instead_of_stopping(home_page, monkeypatch, caplog):
    """Upstream's worker stops when it cannot read its queue (a PostgreSQL restart); ours
    says so, waits and goes on."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as upstream

    from cocrea.management.commands import db_worker

    home_page.title = "Gobierno Regional de Cajamarca — tras un reinicio"
    home_page.save_revision().publish()
    queued = DBTaskResult.objects.filter(status="READY").count()
    outages = iter([OperationalError("server closed the connection unexpectedly")])
    upstream_run = upstream.Worker.run

    def run_after_an_outage(worker):
        for error in outages:
            raise error
        return upstream_run(worker)

    monkeypatch.setattr(upstream.Worker, "run", run_after_an_outage)
    waits = []
    monkeypatch.setattr(db_worker.time, "sleep", waits.append)

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    assert waits == [1.0]
    assert "the database does not answer" in caplog.text
    assert queued > 0
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == queued


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_prunes_old_live_events_once_a_day():
    call_command("db_worker", batch=True, verbosity=0)
    call_command("db_worker", batch=True, verbosity=0)  # a second worker, or a restart

    scheduled = DBTaskResult.objects.filter(task_path="discussions.tasks.prune_live_events", status="READY")
    assert scheduled.count() == 1
    assert scheduled.get().run_after > timezone.now() + timedelta(hours=23)
