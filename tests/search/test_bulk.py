"""Bulk indexing on a slow engine: a request that passes its time limit is sent again in
smaller chunks, after a pause, until everything is written (the real OpenSearch node,
given a time limit far too short for a full chunk of long documents)."""

import logging
import uuid
from datetime import UTC, datetime

import pytest

from search.documents import Document
from search.engines.opensearch import BULK_CHUNK, OpenSearchEngine

pytestmark = pytest.mark.opensearch

#: Some 20,000 characters each: a full chunk is megabytes of Spanish text to analyse.
LONG_TEXT = " ".join(["Audiencias públicas del presupuesto participativo en cada provincia."] * 300)


def _documents(count: int) -> list[tuple[str, Document]]:
    return [
        (
            f"contribution:{number}",
            Document(
                id=f"contribution-{number}",
                kind="contribution",
                title="Presupuesto participativo",
                text=f"{number} {LONG_TEXT}",
                url=f"/es/c/#c{number}",
                language="es",
                created=datetime(2026, 1, 1, tzinfo=UTC),
            ),
        )
        for number in range(count)
    ]


@pytest.fixture
def engine():
    engine = OpenSearchEngine(prefix=f"cocrea-test-{uuid.uuid4().hex[:12]}")
    yield engine
    engine.drop()


def test_a_bulk_request_that_times_out_is_sent_again_smaller_and_everything_is_written(engine, settings, caplog):
    settings.SEARCH_BULK_TIMEOUT = 0.25
    pairs = _documents(200)

    with caplog.at_level(logging.WARNING, logger="search.engines.opensearch"):
        written = engine.rebuild(pairs)

    shrunk = [record.getMessage() for record in caplog.records if "sending" in record.getMessage()]
    assert shrunk and shrunk[0].startswith("OpenSearch bulk of 200 failed")
    assert written == len(pairs)
    assert len(engine.fingerprints()) == len(pairs)


def test_with_time_enough_a_rebuild_sends_full_chunks_without_a_retry(engine, caplog):
    pairs = _documents(BULK_CHUNK + 10)

    with caplog.at_level(logging.WARNING, logger="search.engines.opensearch"):
        written = engine.rebuild(pairs)

    assert written == len(pairs)
    assert not [record for record in caplog.records if "sending" in record.getMessage()]
