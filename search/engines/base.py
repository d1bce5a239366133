"""The contract every engine keeps, so the query service does not care which one runs."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..documents import Document
from ..parsing import ParsedQuery

SORTS = ("relevance", "newest")
#: What the search box suggests as one types: things with a title worth going to.
SUGGESTED_KINDS = ("plan", "consultation", "forum_topic")
#: No engine pages further than this (OpenSearch's default result window).
MAX_RESULT_WINDOW = 10_000


class EngineUnavailable(Exception):
    """The engine cannot be reached or failed: callers fall back or retry later."""


@dataclass
class EngineQuery:
    query: ParsedQuery
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet field → values
    #: The reader's language: of a page's versions, only the one shown to them is found.
    language: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20


@dataclass
class EngineHit:
    document: dict  # Document.as_dict()
    score: float
    title_html: str  # HTML-safe: text escaped, matches in <mark>
    snippet_html: str


@dataclass
class EngineResults:
    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]]  # facet field → value → count (filters of other facets applied)


class Engine:
    name: str

    def search(self, request: EngineQuery) -> EngineResults:
        raise NotImplementedError

    def corrections(self, query: ParsedQuery) -> dict[str, str]:
        """For words the index does not know, the closest word it knows (folded), or ""
        when nothing is close."""
        raise NotImplementedError

    def suggest(self, prefix: str, limit: int = 8, language: str = "") -> list[dict]:
        """Titles that start like ``prefix`` (in ``language``, when given), for the search
        box: [{title, url, kind}]."""
        raise NotImplementedError

    def write(self, pairs: Iterable[tuple[str, Document]], stale_ids: Iterable[str] = ()) -> None:
        """Write documents (each with the key of the object it came from), replacing
        earlier versions, and remove ``stale_ids``."""
        raise NotImplementedError

    def ids_for(self, source_keys: Iterable[str]) -> list[str]:
        """Ids of the stored documents that came from these objects."""
        raise NotImplementedError

    def fingerprints(self) -> dict[str, str]:
        """Every stored document id with its fingerprint, for drift checks."""
        raise NotImplementedError

    def rebuild(self, pairs: Iterable[tuple[str, Document]]) -> int:
        """Write everything into a fresh index and switch readers over to it."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Make what was written visible to searches now (tests, commands)."""
