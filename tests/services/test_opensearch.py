import uuid

import pytest
from django.conf import settings
from opensearchpy import OpenSearch

pytestmark = pytest.mark.opensearch


@pytest.fixture
def engine():
    client = OpenSearch(hosts=[settings.SEARCH_URL], timeout=10)
    index = f"cocrea-test-{uuid.uuid4().hex}"
    yield client, index
    client.indices.delete(index=index, ignore_unavailable=True)


def test_document_is_written_to_and_found_in_the_real_opensearch(engine):
    client, index = engine
    client.indices.create(
        index=index,
        body={
            "settings": {
                "analysis": {
                    "analyzer": {
                        "spanish_folded": {
                            "tokenizer": "standard",
                            "filter": ["lowercase", "asciifolding", "light_spanish_stemmer"],
                        }
                    },
                    "filter": {"light_spanish_stemmer": {"type": "stemmer", "language": "light_spanish"}},
                }
            },
            "mappings": {"properties": {"text": {"type": "text", "analyzer": "spanish_folded"}}},
        },
    )
    client.index(index=index, id="1", body={"text": "Audiencias públicas en Jaén y Celendín"}, refresh=True)

    result = client.search(index=index, body={"query": {"match": {"text": "audiencia publica jaen"}}})

    assert client.info()["version"]["distribution"] == "opensearch"
    assert [hit["_id"] for hit in result["hits"]["hits"]] == ["1"]
