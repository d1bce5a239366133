import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """These tests read pages and messages in English, the language of the message ids:
    ``reverse()`` gives the /en/ URLs, and commands and services answer in English.
    Spanish is checked by the catalogue tests (every message translated)."""
    with translation.override("en"):
        yield
