import pytest
from django.core.management import call_command
from django.test import override_settings
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
