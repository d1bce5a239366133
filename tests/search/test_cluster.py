"""OpenSearch beyond one node: several addresses, replicas of the index."""

import uuid

import pytest

from search.engines.opensearch import OpenSearchEngine, _client


def test_search_url_may_name_the_nodes_of_a_cluster():
    client = _client("http://10.0.0.1:9200, http://10.0.0.2:9200,", 5)

    hosts = sorted(connection.host for connection in client.transport.connection_pool.connections)

    assert hosts == ["http://10.0.0.1:9200", "http://10.0.0.2:9200"]


@pytest.mark.opensearch
def test_the_index_has_as_many_replicas_as_configured(settings):
    settings.SEARCH_REPLICAS = 1  # on one node the copy stays unassigned: the index is yellow
    engine = OpenSearchEngine(prefix=f"cocrea-test-{uuid.uuid4().hex[:12]}")
    try:
        engine.rebuild([])
        index_settings = engine.client.indices.get_settings(index=engine.alias)
        (only,) = index_settings.values()
        assert only["settings"]["index"]["number_of_replicas"] == "1"
    finally:
        engine.drop()
