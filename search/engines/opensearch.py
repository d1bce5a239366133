"""OpenSearch 2: one index behind an alias, declared in :mod:`.opensearch_index`, queried
with requests composed in :mod:`.opensearch_queries`.

Index and queries are written with the DSL bundled in opensearch-py
(``opensearchpy.helpers``: ``Document``, ``Index``, ``Search``, ``Q``, ``A``) rather
than the ``elasticsearch-dsl`` package. The API is the same, but elasticsearch-dsl now
lives inside elasticsearch-py (8.18 on) and drags it in as a dependency, a client that
refuses to talk to OpenSearch; we would use it only for ``to_dict()``. The bundled fork
needs nothing beyond the client we already run, knows OpenSearch's field types, and its
``Response`` reads what opensearch-py returns. The DSL builds the request bodies;
they go out over opensearch-py's connection pool, shared by the process.

Bulk writes have a timeout of their own (``SEARCH_BULK_TIMEOUT``; ``SEARCH_TIMEOUT`` is
for queries), are retried with a growing pause, and adapt their size: a chunk that times
out or is refused as too large or too many is halved, and sizes grow back after success.
"""

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from opensearchpy import OpenSearch, Search, helpers
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, OpenSearchException, TransportError
from opensearchpy.helpers.response import Response

from .. import text as analysis
from ..documents import KEYWORD_FIELDS, Document
from ..parsing import ParsedQuery
from . import opensearch_queries as queries
from .base import Engine, EngineQuery, EngineResults, EngineUnavailable
from .opensearch_index import index as index_definition

logger = logging.getLogger(__name__)

#: Documents per bulk request at most; a slow or overloaded engine gets fewer.
BULK_CHUNK = 500
BULK_ATTEMPTS = 6
#: Chunks sent in a row at one size before the size is doubled again.
BULK_GROW_AFTER = 3
#: First pause before a bulk request is sent again, doubled each time.
BULK_BACKOFF_SECONDS = 0.5
#: Statuses that mean "send less, or later": too large, too many requests.
_SHRINK_STATUSES = {413, 429}


@lru_cache(maxsize=4)
def _client(url: str, timeout: int) -> OpenSearch:
    # One client per process, shared by its threads: as many pooled connections as requests
    # may run at once, so none is opened and thrown away per search. ``url`` may name several
    # nodes of a cluster, separated by commas: requests go round them.
    return OpenSearch(
        hosts=[node.strip() for node in url.split(",") if node.strip()],
        timeout=timeout,
        max_retries=0,
        retry_on_timeout=False,
        maxsize=max(10, settings.HTTP_CONCURRENT_REQUESTS + 4),
    )


def _unavailable(error: Exception) -> EngineUnavailable:
    logger.warning("OpenSearch failed: %s", error)
    return EngineUnavailable(str(error))


class OpenSearchEngine(Engine):
    name = "opensearch"

    def __init__(self, url: str | None = None, prefix: str | None = None, timeout: int | None = None):
        self.client = _client(url or settings.SEARCH_URL, timeout or settings.SEARCH_TIMEOUT)
        self.alias = f"{prefix or settings.SEARCH_INDEX_PREFIX}-documents"

    def _run(self, search: Search) -> Response:
        """Send a DSL request over the client's pool; its response, read through the DSL."""
        try:
            return Response(search, self.client.search(index=self.alias, body=search.to_dict()))
        except OpenSearchException as error:
            raise _unavailable(error) from error

    # --- the index and its alias -----------------------------------------------------
    def _new_index(self) -> str:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        index_definition(name, replicas=settings.SEARCH_REPLICAS).create(using=self.client)
        return name

    def ensure_index(self) -> None:
        try:
            if not self.client.indices.exists_alias(name=self.alias):
                if self.client.indices.exists(index=self.alias):  # a stray index under the alias's name
                    self.client.indices.delete(index=self.alias)
                self.client.indices.put_alias(index=self._new_index(), name=self.alias)
        except OpenSearchException as error:
            raise _unavailable(error) from error

    def drop(self) -> None:
        """Delete the alias and every index behind it (tests, and nothing else)."""
        with suppress(NotFoundError):
            self.client.indices.delete(index=f"{self.alias}-*")

    def _switch_alias(self, index: str) -> None:
        """Point the alias at ``index`` in one step, and delete what it pointed at."""
        indices = self.client.indices
        old = list(indices.get_alias(name=self.alias)) if indices.exists_alias(name=self.alias) else []
        if indices.exists(index=self.alias) and not old:
            indices.delete(index=self.alias)
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        indices.update_aliases(body={"actions": [*actions, {"add": {"index": index, "alias": self.alias}}]})
        for name in old:
            indices.delete(index=name)

    # --- writing ---------------------------------------------------------------------
    def _actions(self, pairs, index: str, stale_ids=()) -> Iterator[tuple[dict, dict | None]]:
        for doc_id in stale_ids:
            yield {"delete": {"_index": index, "_id": doc_id}}, None
        for source_key, document in pairs:
            body = document.as_dict()
            body.update(source_key=source_key, title_suggest=document.title)
            # A code left blank is absent, not "": no empty facet value.
            body = {name: value for name, value in body.items() if not (name in KEYWORD_FIELDS and value in ("", None))}
            yield {"index": {"_index": index, "_id": document.id}}, body

    def _bulk(self, actions: Iterable[tuple[dict, dict | None]]) -> int:
        """Send the actions in chunks; see the module's docstring for timeouts and sizes."""
        waiting, source = deque(), iter(actions)
        size, attempt, written, in_a_row = BULK_CHUNK, 0, 0, 0
        while True:
            while len(waiting) < size and (action := next(source, None)) is not None:
                waiting.append(action)
            if not waiting:
                return written
            chunk = [waiting[position] for position in range(min(size, len(waiting)))]
            try:
                items = self._send(chunk)
            except (ConnectionTimeout, TransportError) as error:
                if not _shrinks(error) or attempt + 1 >= BULK_ATTEMPTS:
                    raise _unavailable(error) from error
                size, attempt, in_a_row = max(1, len(chunk) // 2), attempt + 1, 0
                logger.warning("OpenSearch bulk of %d failed (%s); sending %d at a time", len(chunk), error, size)
                time.sleep(BULK_BACKOFF_SECONDS * 2 ** (attempt - 1))
                continue
            except OpenSearchException as error:
                raise _unavailable(error) from error
            retried = 0
            for (action, body), item in zip(chunk, items, strict=True):
                waiting.popleft()
                operation, result = next(iter(item.items()))
                status = result.get("status", 500)
                if status == 429:  # that one was refused for now: it goes round again
                    waiting.append((action, body))
                    retried += 1
                elif status < 300 or (operation == "delete" and status == 404):
                    written += operation == "index"
                else:
                    raise EngineUnavailable(f"{operation} {result.get('_id')}: {result.get('error')}")
            if retried:
                attempt, in_a_row, size = attempt + 1, 0, max(1, size // 2)
                if attempt >= BULK_ATTEMPTS:
                    raise EngineUnavailable(f"OpenSearch kept refusing {retried} documents (429)")
                continue
            attempt, in_a_row = 0, in_a_row + 1
            if in_a_row >= BULK_GROW_AFTER and size < BULK_CHUNK:
                size, in_a_row = min(BULK_CHUNK, size * 2), 0

    def _send(self, chunk: list[tuple[dict, dict | None]]) -> list[dict]:
        lines = [line for action, body in chunk for line in (action, body) if line is not None]
        response = self.client.bulk(body=lines, request_timeout=settings.SEARCH_BULK_TIMEOUT)
        return response["items"]

    def write(self, pairs: Iterable[tuple[str, Document]], stale_ids: Iterable[str] = ()) -> None:
        self.ensure_index()
        pairs, stale_ids = list(pairs), list(stale_ids)
        written = {document.id for _, document in pairs}
        self._bulk(self._actions(pairs, self.alias, [doc_id for doc_id in stale_ids if doc_id not in written]))

    def rebuild(self, pairs: Iterable[tuple[str, Document]]) -> int:
        try:
            index = self._new_index()
            self.client.indices.put_settings(index=index, body={"index": {"refresh_interval": "-1"}})
        except OpenSearchException as error:
            raise _unavailable(error) from error
        count = self._bulk(self._actions(pairs, index))
        try:
            self.client.indices.put_settings(index=index, body={"index": {"refresh_interval": "1s"}})
            self.client.indices.refresh(index=index)
            self._switch_alias(index)
        except OpenSearchException as error:
            raise _unavailable(error) from error
        return count

    def _scan(self, search: Search) -> Iterator[dict]:
        try:
            yield from helpers.scan(self.client, index=self.alias, query=search.to_dict(), size=5000)
        except OpenSearchException as error:
            raise _unavailable(error) from error

    def ids_for(self, source_keys: Iterable[str]) -> list[str]:
        self.ensure_index()
        source_keys = list(source_keys)
        found: list[str] = []
        for start in range(0, len(source_keys), BULK_CHUNK):
            search = Search().filter("terms", source_key=source_keys[start : start + BULK_CHUNK]).source(False)
            found += [hit["_id"] for hit in self._scan(search)]
        return found

    def fingerprints(self) -> dict[str, str]:
        self.ensure_index()
        search = Search().source(["fingerprint"])
        return {hit["_id"]: hit["_source"].get("fingerprint", "") for hit in self._scan(search)}

    def refresh(self) -> None:
        try:
            self.client.indices.refresh(index=self.alias)
        except OpenSearchException as error:
            raise _unavailable(error) from error

    # --- reading ---------------------------------------------------------------------
    def search(self, request: EngineQuery) -> EngineResults:
        return queries.read_results(self._run(queries.results_search(request)))

    def corrections(self, query: ParsedQuery) -> dict[str, str]:
        words = [
            word for word in analysis.words(" ".join(query.words + query.phrases)) if word not in analysis.STOP_WORDS
        ]
        if not words:
            return {}
        found = {}
        for entry in self._run(queries.spelling_search(words)).suggest.words:
            if entry.options:
                found[entry.text] = entry.options[0].text
            elif not self._run(queries.known_word_search(entry.text).extra(size=0)).hits.total.value:
                found[entry.text] = ""  # nothing resembles it: the proposal drops it
        return found

    def suggest(self, prefix: str, limit: int = 8, language: str = "") -> list[dict]:
        return [hit.to_dict() for hit in self._run(queries.suggestions_search(prefix, limit, language))]


def _shrinks(error: Exception) -> bool:
    """A bulk failure that sending less, later, may cure: a timeout, 413 or 429."""
    return isinstance(error, ConnectionTimeout) or getattr(error, "status_code", None) in _SHRINK_STATUSES
