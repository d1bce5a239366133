"""The database engine under concurrent writers: two workers indexing the same
document at once both succeed, and it is stored once (PostgreSQL, where live workers
logged ``duplicate key … search_searchdocument_doc_id_key``)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from search.documents import Document
from search.engines import database_engine
from search.models import SearchDocument

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: How long the first writer keeps its transaction open once it has written: time for
#: the second to reach the same rows.
HOLD_SECONDS = 0.5


def _document(text: str) -> tuple[str, Document]:
    document = Document(
        id="contribution-4242",
        kind="contribution",
        title="Presupuesto participativo",
        text=text,
        url="/es/planes/plan/compromiso/#c4242",
        language="es",
        created=datetime(2026, 5, 1, tzinfo=UTC),
    )
    return "contribution:4242", document


def test_two_workers_indexing_one_document_at_once_store_it_once():
    written = threading.Event()
    errors: list[BaseException] = []

    def first():
        try:
            with transaction.atomic():
                database_engine().write([_document("Primera versión del aporte.")])
                written.set()
                threading.Event().wait(HOLD_SECONDS)  # still uncommitted while the second writes
        except BaseException as error:
            errors.append(error)
            written.set()
        finally:
            connection.close()

    def second():
        written.wait()
        try:
            database_engine().write([_document("Segunda versión del aporte.")])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(SearchDocument.objects.values_list("text", flat=True)) == ["Segunda versión del aporte."]
