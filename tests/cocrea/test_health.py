"""/healthz says the process answers; /readyz checks each dependency now."""

import pytest
from django.urls import reverse
from django.utils import timezone

from search.models import IndexingBacklog

pytestmark = pytest.mark.django_db
NOTHING_LISTENS = "127.0.0.1:9"  # the discard port


def test_ready_on_the_embedded_defaults(client, settings):
    settings.REDIS_URL = ""
    settings.SEARCH_ENGINE = "database"
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["checks"]["database"]["ok"] and data["checks"]["redis"]["configured"] is False
    assert data["checks"]["indexing_backlog"] == {
        "ok": True,
        "waiting": 0,
        "oldest_seconds": 0,
        "ms": data["checks"]["indexing_backlog"]["ms"],
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_redis_or_the_search_engine_down_is_degraded_not_unavailable(client, settings):
    settings.REDIS_URL = f"redis://{NOTHING_LISTENS}/0"
    settings.SEARCH_ENGINE = "opensearch"
    settings.SEARCH_URL = f"http://{NOTHING_LISTENS}"
    IndexingBacklog.objects.create(key="contribution:1", queued_at=timezone.now(), retry_after=timezone.now())
    response = client.get(reverse("readyz"))
    assert response.status_code == 200  # the site still serves and accepts contributions
    data = response.json()
    assert data["status"] == "degraded"
    assert not data["checks"]["redis"]["ok"] and "Connection" in data["checks"]["redis"]["error"]
    assert not data["checks"]["search"]["ok"]
    assert data["checks"]["indexing_backlog"]["waiting"] == 1


@pytest.mark.redis
@pytest.mark.opensearch
def test_ready_with_the_real_services(client):
    data = client.get(reverse("readyz")).json()
    assert data["status"] == "ok", data
    assert data["checks"]["redis"]["configured"] is True
    assert data["checks"]["search"]["engine"] == "opensearch"
