"""OpenSearch 2: one index behind an alias, Spanish analysis with an English sub-field,
disjunctive facets (each facet counts with the other facets' filters applied), HTML-safe
highlights, "did you mean" from a term suggester, and search-as-you-type titles."""

import logging
from collections.abc import Iterable
from contextlib import suppress
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, OpenSearchException

from .. import text as analysis
from ..documents import Document
from ..parsing import ParsedQuery
from .base import FACETS, SUGGESTED_KINDS, Engine, EngineHit, EngineQuery, EngineResults, EngineUnavailable

logger = logging.getLogger(__name__)

SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "max_result_window": 10_000,
    # Set explicitly: an index left at the default stops refreshing while no one searches
    # it ("search idle"), and a change could stay invisible well past a second.
    "refresh_interval": "1s",
    "analysis": {
        "filter": {
            # The same list as the database engine's, written without accents.
            "spanish_stop": {"type": "stop", "stopwords": sorted(analysis.STOP_WORDS)},
            "spanish_light": {"type": "stemmer", "language": "light_spanish"},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stem": {"type": "stemmer", "language": "light_english"},
        },
        "analyzer": {
            "spanish_folded": {
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "spanish_stop", "spanish_light"],
            },
            "english_folded": {
                "tokenizer": "standard",
                "filter": ["lowercase", "english_stop", "asciifolding", "english_stem"],
            },
            "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
        },
    },
}

_TEXT = {
    "type": "text",
    "analyzer": "spanish_folded",
    "fields": {
        "en": {"type": "text", "analyzer": "english_folded"},
        # Words as written (folded, not stemmed): where a typo is tolerated, so that one
        # edit means one edit of the word typed, not of another word's stem.
        "folded": {"type": "text", "analyzer": "folded"},
    },
    "copy_to": "spell",
}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "keyword"},
        "source_key": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "title": _TEXT,
        "title_suggest": {"type": "search_as_you_type", "analyzer": "folded"},
        "text": _TEXT,
        "spell": {"type": "text", "analyzer": "folded"},
        "url": {"type": "keyword", "index": False},
        "language": {"type": "keyword"},
        "created": {"type": "date"},
        "year": {"type": "keyword"},
        "author": {"type": "text", "analyzer": "spanish_folded"},
        "sector": {"type": "keyword"},
        "organisation": {"type": "text", "analyzer": "spanish_folded"},
        "territories": {"type": "keyword"},
        "plan": {"type": "keyword"},
        "plan_title": {"type": "keyword", "index": False},
        "consultation": {"type": "keyword"},
        "consultation_title": {"type": "keyword", "index": False},
        "ogp_values": {"type": "keyword"},
        "response_status": {"type": "keyword"},
        "channel": {"type": "keyword"},
        "section": {"type": "text", "analyzer": "spanish_folded"},
        "context": {"type": "text", "index": False},
        "fingerprint": {"type": "keyword"},
    },
}
TEXT_FIELDS = ["title^3", "title.en^2", "text", "text.en", "section^2", "author^2", "organisation^2"]
TYPO_FIELDS = ["title.folded^2", "text.folded"]
PHRASE_FIELDS = ["title^3", "text", "section^2"]
#: One edit for words of five letters or more, none below; the first letter must match.
FUZZINESS = "AUTO:5,100"
OPTIONAL_KEYWORDS = ("sector", "response_status", "channel", "plan", "consultation")
SNIPPET_SIZE = 200
FACET_SIZE = 50
BULK_CHUNK = 500


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

    # --- the index and its alias -----------------------------------------------------
    def _new_index(self) -> str:
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        index_settings = {**SETTINGS, "number_of_replicas": settings.SEARCH_REPLICAS}
        self.client.indices.create(index=name, body={"settings": index_settings, "mappings": MAPPINGS})
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

    # --- writing ---------------------------------------------------------------------
    def _actions(self, pairs, index: str, stale_ids=()):
        for doc_id in stale_ids:
            yield {"_op_type": "delete", "_index": index, "_id": doc_id}
        for source_key, document in pairs:
            body = document.as_dict()
            body.update(source_key=source_key, title_suggest=document.title)
            for name in OPTIONAL_KEYWORDS:  # absent, not "": no empty facet value
                body[name] = body[name] or None
            yield {"_op_type": "index", "_index": index, "_id": document.id, "_source": body}

    def _bulk(self, actions) -> int:
        written = 0
        try:
            for ok, item in helpers.streaming_bulk(
                self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False, max_retries=0
            ):
                operation, result = next(iter(item.items()))
                if not ok and not (operation == "delete" and result.get("status") == 404):
                    raise EngineUnavailable(f"{operation} {result.get('_id')}: {result.get('error')}")
                written += ok
        except OpenSearchException as error:
            raise _unavailable(error) from error
        return written

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
            old = (
                list(self.client.indices.get_alias(name=self.alias))
                if self.client.indices.exists_alias(name=self.alias)
                else []
            )
            if self.client.indices.exists(index=self.alias) and not old:
                self.client.indices.delete(index=self.alias)
            actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
            actions.append({"add": {"index": index, "alias": self.alias}})
            self.client.indices.update_aliases(body={"actions": actions})
            for name in old:
                self.client.indices.delete(index=name)
        except OpenSearchException as error:
            raise _unavailable(error) from error
        return count

    def ids_for(self, source_keys: Iterable[str]) -> list[str]:
        self.ensure_index()
        source_keys = list(source_keys)
        found: list[str] = []
        try:
            for start in range(0, len(source_keys), BULK_CHUNK):
                query = {"_source": False, "query": {"terms": {"source_key": source_keys[start : start + BULK_CHUNK]}}}
                found += [hit["_id"] for hit in helpers.scan(self.client, index=self.alias, query=query, size=5000)]
        except OpenSearchException as error:
            raise _unavailable(error) from error
        return found

    def fingerprints(self) -> dict[str, str]:
        self.ensure_index()
        try:
            return {
                hit["_id"]: hit["_source"].get("fingerprint", "")
                for hit in helpers.scan(
                    self.client,
                    index=self.alias,
                    query={"_source": ["fingerprint"], "query": {"match_all": {}}},
                    size=5000,
                )
            }
        except OpenSearchException as error:
            raise _unavailable(error) from error

    def refresh(self) -> None:
        try:
            self.client.indices.refresh(index=self.alias)
        except OpenSearchException as error:
            raise _unavailable(error) from error

    # --- reading ---------------------------------------------------------------------
    def _text_query(self, query: ParsedQuery) -> dict:
        must, must_not = [], []
        for word in query.words:
            if analysis.fold(word) in analysis.STOP_WORDS:
                continue
            exact = {"multi_match": {"query": word, "fields": TEXT_FIELDS}}
            typo = {
                "multi_match": {
                    "query": word,
                    "fields": TYPO_FIELDS,
                    "fuzziness": FUZZINESS,
                    "prefix_length": 1,
                    "boost": 0.5,
                }
            }
            must.append({"bool": {"should": [exact, typo], "minimum_should_match": 1}})
        for phrase in query.phrases:
            must.append({"multi_match": {"query": phrase, "fields": PHRASE_FIELDS, "type": "phrase"}})
        for word in query.excluded:
            must_not.append({"multi_match": {"query": word, "fields": TEXT_FIELDS}})
        if not must:
            must.append({"match_all": {}})
        return {"must": must, "must_not": must_not}

    def _filters(self, request: EngineQuery, skip: str | None = None) -> list[dict]:
        return [{"terms": {name: list(values)}} for name, values in request.filters.items() if values and name != skip]

    def _body(self, request: EngineQuery) -> dict:
        query = self._text_query(request.query)
        dates = {}
        if request.date_from:
            dates["gte"] = f"{request.date_from.isoformat()}||/d"
        if request.date_to:
            dates["lte"] = f"{request.date_to.isoformat()}||/d"
        if dates:
            query["filter"] = [{"range": {"created": {**dates, "time_zone": settings.TIME_ZONE}}}]
        sort = ["_score", {"created": "desc"}] if request.sort == "relevance" else [{"created": "desc"}, "_score"]
        return {
            "query": {"bool": query},
            "post_filter": {"bool": {"filter": self._filters(request)}},
            "aggs": {
                name: {
                    "filter": {"bool": {"filter": self._filters(request, skip=name)}},
                    "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}},
                }
                for name in FACETS
            },
            "sort": sort,
            "from": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "track_scores": True,
            "highlight": {
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fields": {
                    "title": {"number_of_fragments": 0},
                    "title.folded": {"number_of_fragments": 0},
                    "text": {"fragment_size": SNIPPET_SIZE, "number_of_fragments": 1, "no_match_size": SNIPPET_SIZE},
                    "text.folded": {"fragment_size": SNIPPET_SIZE, "number_of_fragments": 1},
                },
            },
        }

    def search(self, request: EngineQuery) -> EngineResults:
        try:
            response = self.client.search(index=self.alias, body=self._body(request))
        except OpenSearchException as error:
            raise _unavailable(error) from error
        hits = []
        for hit in response["hits"]["hits"]:
            source, marked = hit["_source"], hit.get("highlight", {})
            snippet = _marked(marked, "text") or marked.get("text", [""])[0]
            if snippet and len(source["text"]) > len(_unmarked(snippet)) + 1:
                snippet = f"{snippet} …"
            hits.append(
                EngineHit(
                    document=source,
                    score=hit.get("_score") or 0.0,
                    title_html=_marked(marked, "title") or escape(source["title"]),
                    snippet_html=snippet,
                )
            )
        facets = {
            name: {
                str(bucket["key"]): bucket["doc_count"]
                for bucket in response["aggregations"][name]["values"]["buckets"]
            }
            for name in FACETS
        }
        return EngineResults(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

    def corrections(self, query: ParsedQuery) -> dict[str, str]:
        words = [
            word for word in analysis.words(" ".join(query.words + query.phrases)) if word not in analysis.STOP_WORDS
        ]
        if not words:
            return {}
        body = {
            "size": 0,
            "suggest": {
                "text": " ".join(words),
                "words": {
                    "term": {
                        "field": "spell",
                        "suggest_mode": "missing",
                        "min_word_length": 3,
                        "prefix_length": 1,
                        "sort": "score",
                    }
                },
            },
        }
        try:
            response = self.client.search(index=self.alias, body=body)
        except OpenSearchException as error:
            raise _unavailable(error) from error
        found = {}
        for entry in response["suggest"]["words"]:
            if entry["options"]:
                found[entry["text"]] = entry["options"][0]["text"]
            elif not self._known(entry["text"]):
                found[entry["text"]] = ""  # nothing resembles it: the proposal drops it
        return found

    def _known(self, word: str) -> bool:
        try:
            return self.client.count(index=self.alias, body={"query": {"term": {"spell": word}}})["count"] > 0
        except OpenSearchException as error:
            raise _unavailable(error) from error

    def suggest(self, prefix: str, limit: int = 8, language: str = "") -> list[dict]:
        filters = [{"terms": {"kind": list(SUGGESTED_KINDS)}}]
        if language:
            filters.append({"term": {"language": language}})
        body = {
            "size": limit,
            "_source": ["title", "url", "kind"],
            "query": {
                "bool": {
                    "must": {
                        "multi_match": {
                            "query": prefix,
                            "type": "bool_prefix",
                            "fields": ["title_suggest", "title_suggest._2gram", "title_suggest._3gram"],
                        }
                    },
                    "filter": filters,
                }
            },
        }
        try:
            response = self.client.search(index=self.alias, body=body)
        except OpenSearchException as error:
            raise _unavailable(error) from error
        return [hit["_source"] for hit in response["hits"]["hits"]]


def _marked(highlights: dict, name: str) -> str:
    """The field's highlighted fragment: words matched as stems, else words matched
    with a typo (highlighted on the unstemmed sub-field)."""
    for field_name in (name, f"{name}.folded"):
        fragment = highlights.get(field_name, [""])[0]
        if "<mark>" in fragment:
            return fragment
    return ""


def _unmarked(value: str) -> str:
    return value.replace("<mark>", "").replace("</mark>", "")
