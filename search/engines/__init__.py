"""The engine ``SEARCH_ENGINE`` names, and the database engine every site also keeps."""

from django.conf import settings

from .base import Engine, EngineUnavailable
from .database import DatabaseEngine


def get_engine() -> Engine:
    if settings.SEARCH_ENGINE == "opensearch":
        from .opensearch import OpenSearchEngine  # lazy: opensearch-py loads only where the site uses it

        return OpenSearchEngine()
    return DatabaseEngine()


def database_engine() -> DatabaseEngine:
    return DatabaseEngine()


__all__ = ["DatabaseEngine", "Engine", "EngineUnavailable", "database_engine", "get_engine"]
