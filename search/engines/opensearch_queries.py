"""The OpenSearch requests, composed from DSL objects (``Search``, ``Q``, ``A``), and the
reading of their responses.

A search is: the text query (each word, a phrase, a word left out) scored on the
analysed fields; the reader's language; dates; the facet filters applied after the
aggregations (``post_filter``), so each facet counts with every filter but its own;
highlights; sort and page. Each piece is one small function below.
"""

from functools import lru_cache

from django.conf import settings
from django.utils.html import escape
from opensearchpy import A, Q, Search
from opensearchpy.helpers.aggs import Agg
from opensearchpy.helpers.query import Query
from opensearchpy.helpers.response import Response

from .. import facets as registry
from .. import text as analysis
from ..documents import facet_path
from ..parsing import ParsedQuery
from .base import SUGGESTED_KINDS, EngineHit, EngineQuery, EngineResults

#: Where a word is looked for, and its weight there.
TEXT_FIELDS = ["title^3", "title.en^2", "text", "text.en", "text.lead^3", "section^2", "author^2", "organisation^2"]
#: Where a word with a typo is looked for: words as written, not stems.
TYPO_FIELDS = ["title.folded^2", "text.folded"]
PHRASE_FIELDS = ["title^3", "text", "section^2"]
#: One edit for words of five letters or more, none below; the first letter must match.
FUZZINESS = "AUTO:5,100"
TYPO_WEIGHT = 0.5
SNIPPET_SIZE = 200
FACET_SIZE = 50
MARK = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"]}


# --- the text query ---------------------------------------------------------------------
def content_words(query: ParsedQuery) -> list[str]:
    return [word for word in query.words if analysis.fold(word) not in analysis.STOP_WORDS]


@lru_cache(maxsize=4096)
def word_query(word: str) -> Query:
    """The word as analysed (stemmed, folded) in any field, its scores there added up;
    or, only where that scores less, the word with one typo at a lower weight. (Added to
    the exact match, the typo clause counted the word twice in short texts.)"""
    exact = Q("multi_match", query=word, fields=TEXT_FIELDS, tie_breaker=1.0)
    typo = Q("multi_match", query=word, fields=TYPO_FIELDS, fuzziness=FUZZINESS, prefix_length=1, boost=TYPO_WEIGHT)
    return Q("dis_max", queries=[exact, typo])


def phrase_query(phrase: str) -> Query:
    return Q("multi_match", query=phrase, fields=PHRASE_FIELDS, type="phrase")


def text_query(query: ParsedQuery) -> Query:
    """Every phrase must match, and every word — but one, from three words on; excluded
    words must not. Residents describe what they want in words of their own: one of
    four may well not be in the text that answers them (``dueños`` for
    ``propietarios``), and a document with all of them still ranks first."""
    words = [word_query(word) for word in content_words(query)]
    phrases = [phrase_query(phrase) for phrase in query.phrases]
    must_not = [Q("multi_match", query=word, fields=TEXT_FIELDS) for word in query.excluded]
    required = analysis.words_required(len(words))
    if required < len(words):
        return Q("bool", must=phrases, should=words, minimum_should_match=required, must_not=must_not)
    if not (words or phrases or must_not):
        return Q("match_all")
    return Q("bool", must=phrases + words or [Q("match_all")], must_not=must_not)


# --- filters --------------------------------------------------------------------------------
def reader_filter(language: str) -> Query:
    """Documents shown to every reader, and those shown to readers of ``language``."""
    return Q("bool", should=[Q("term", readers=language), ~Q("exists", field="readers")], minimum_should_match=1)


def date_filter(request: EngineQuery) -> Query | None:
    dates = {}
    if request.date_from:
        dates["gte"] = f"{request.date_from.isoformat()}||/d"
    if request.date_to:
        dates["lte"] = f"{request.date_to.isoformat()}||/d"
    return Q("range", created={**dates, "time_zone": settings.TIME_ZONE}) if dates else None


def facet_filter(request: EngineQuery, skip: str | None = None) -> Query:
    """The selected facet values, but those of ``skip``: a value of each facet."""
    return _facet_filter(_selected(request, skip))


def facet_aggregation(request: EngineQuery, name: str) -> Agg:
    """A facet's counts, with the filters of the other facets applied (disjunctive)."""
    return _facet_aggregation(name, _selected(request, skip=name))


def _selected(request: EngineQuery, skip: str | None) -> tuple:
    return tuple((name, tuple(values)) for name, values in request.filters.items() if values and name != skip)


# Requests share these pieces (most searches have no filter at all): built once, never
# changed afterwards — the DSL copies a query before combining it.
@lru_cache(maxsize=1024)
def _facet_filter(selected: tuple) -> Query:
    chosen = [Q("terms", **{facet_path(name): list(values)}) for name, values in selected]
    return Q("bool", filter=chosen) if chosen else Q("match_all")


@lru_cache(maxsize=1024)
def _facet_aggregation(name: str, selected: tuple) -> Agg:
    aggregation = A("filter", _facet_filter(selected))
    aggregation.bucket("values", "terms", field=facet_path(name), size=FACET_SIZE)
    return aggregation


# --- the search ---------------------------------------------------------------------------
def highlighted(search: Search) -> Search:
    """Matches marked, HTML-escaped: stems on the main fields, typos on ``folded``."""
    return (
        search.highlight_options(encoder="html", **MARK)
        .highlight("title", number_of_fragments=0)
        .highlight("title.folded", number_of_fragments=0)
        .highlight("text", fragment_size=SNIPPET_SIZE, number_of_fragments=1, no_match_size=SNIPPET_SIZE)
        .highlight("text.folded", fragment_size=SNIPPET_SIZE, number_of_fragments=1)
    )


def results_search(request: EngineQuery) -> Search:
    """Hits, counts and facets of one page of results."""
    search = Search().query(text_query(request.query))
    if request.language:
        search = search.filter(reader_filter(request.language))
    dates = date_filter(request)
    if dates is not None:
        search = search.filter(dates)
    if any(request.filters.values()):
        search = search.post_filter(facet_filter(request))
    for name in registry.fields():
        search.aggs.bucket(name, facet_aggregation(request, name))
    order = ["_score", {"created": "desc"}] if request.sort == "relevance" else [{"created": "desc"}, "_score"]
    search = search.sort(*order).extra(track_total_hits=True, track_scores=True)
    return highlighted(search)[request.offset : request.offset + request.limit]


def read_results(response: Response) -> EngineResults:
    hits = []
    for hit in response.hits:
        source, marked = hit.to_dict(), hit.meta.to_dict().get("highlight", {})
        snippet = _marked(marked, "text") or marked.get("text", [""])[0]
        if snippet and len(source["text"]) > len(_unmarked(snippet)) + 1:
            snippet = f"{snippet} …"
        title = _marked(marked, "title") or escape(source["title"])
        hits.append(EngineHit(document=source, score=hit.meta.score or 0.0, title_html=title, snippet_html=snippet))
    facets = {}
    for name in registry.fields():
        # The buckets as the response holds them: wrapping each one in an object (``.buckets``)
        # cost more than the rest of the reading.
        buckets = response.aggregations[name]["values"].to_dict()["buckets"]
        facets[name] = {str(bucket["key"]): bucket["doc_count"] for bucket in buckets}
    return EngineResults(total=response.hits.total.value, hits=hits, facets=facets)


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


# --- "did you mean" and suggestions --------------------------------------------------------
def spelling_search(words: list[str]) -> Search:
    """For each word the index does not know, the closest words it knows."""
    return (
        Search()
        .extra(size=0)
        .suggest(
            "words",
            " ".join(words),
            term={
                "field": "spell",
                "suggest_mode": "missing",
                "min_word_length": 3,
                "prefix_length": 1,
                "sort": "score",
            },
        )
    )


def known_word_search(word: str) -> Search:
    return Search().filter("term", spell=word)


def suggestions_search(prefix: str, limit: int, language: str) -> Search:
    """Titles (of things worth going to) whose words start like the words typed."""
    fields = ["title_suggest", "title_suggest._2gram", "title_suggest._3gram"]
    search = Search().query("multi_match", query=prefix, type="bool_prefix", fields=fields)
    search = search.filter("terms", kind=list(SUGGESTED_KINDS))
    if language:
        search = search.filter("term", language=language)
    return search.source(["title", "url", "kind"])[:limit]
