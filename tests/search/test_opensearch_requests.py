"""The request bodies the OpenSearch engine builds with the DSL, for a table of queries,
against bodies written out here by hand: a change of weights, fields or structure shows
up in this table before it shows up in rankings.

No node is needed: these are the bodies ``to_dict()`` gives, as sent.
"""

from datetime import date

import pytest

from search import parsing
from search.engines import opensearch_queries as requests
from search.engines.base import EngineQuery

WORD_FIELDS = ["title^3", "title.en^2", "text", "text.en", "text.lead^3", "section^2", "author^2", "organisation^2"]
READERS_ES = {
    "bool": {
        "should": [{"term": {"readers": "es"}}, {"bool": {"must_not": [{"exists": {"field": "readers"}}]}}],
        "minimum_should_match": 1,
    }
}


def word(text: str) -> dict:
    """A word matched as analysed in every field (scores added), or with one typo."""
    return {
        "dis_max": {
            "queries": [
                {"multi_match": {"query": text, "fields": WORD_FIELDS, "tie_breaker": 1.0}},
                {
                    "multi_match": {
                        "query": text,
                        "fields": ["title.folded^2", "text.folded"],
                        "fuzziness": "AUTO:5,100",
                        "prefix_length": 1,
                        "boost": 0.5,
                    }
                },
            ]
        }
    }


CASES = [
    pytest.param(
        {"query": "Agua"},
        {"query": {"bool": {"must": [word("Agua")], "filter": [READERS_ES]}}},
        id="one word: it must match",
    ),
    pytest.param(
        {"query": "agua de los caseríos"},
        {
            "query": {
                "bool": {
                    "must": [word("agua"), word("caseríos")],
                    "filter": [READERS_ES],
                }
            }
        },
        id="two words, stop words left out: both must match",
    ),
    pytest.param(
        {"query": "cursos educacion canina dueños"},
        {
            "query": {
                "bool": {
                    "should": [word("cursos"), word("educacion"), word("canina"), word("dueños")],
                    "minimum_should_match": 3,
                    "filter": [READERS_ES],
                }
            }
        },
        id="four words: all but one must match",
    ),
    pytest.param(
        {"query": '"rondas campesinas" vigilancia -minería'},
        {
            "query": {
                "bool": {
                    "must": [
                        {
                            "multi_match": {
                                "query": "rondas campesinas",
                                "fields": ["title^3", "text", "section^2"],
                                "type": "phrase",
                            }
                        },
                        word("vigilancia"),
                    ],
                    "must_not": [{"multi_match": {"query": "minería", "fields": WORD_FIELDS}}],
                    "filter": [READERS_ES],
                }
            }
        },
        id="a phrase, a word and a word left out",
    ),
    pytest.param(
        {"query": "", "sort": "newest", "language": ""},
        {"query": {"match_all": {}}, "sort": [{"created": "desc"}, "_score"]},
        id="no words, no language: everything, newest first",
    ),
    pytest.param(
        {"query": "presupuesto", "date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)},
        {
            "query": {
                "bool": {
                    "must": [word("presupuesto")],
                    "filter": [
                        READERS_ES,
                        {
                            "range": {
                                "created": {
                                    "gte": "2025-01-01||/d",
                                    "lte": "2025-12-31||/d",
                                    "time_zone": "America/Lima",
                                }
                            }
                        },
                    ],
                }
            }
        },
        id="dates: whole days in the site's time zone",
    ),
    pytest.param(
        {"query": "", "filters": {"territories": ["jaen", "chota"], "sector": ["academia"]}},
        {
            "post_filter": {
                "bool": {"filter": [{"terms": {"territories": ["jaen", "chota"]}}, {"terms": {"sector": ["academia"]}}]}
            },
            "aggs.territories": {
                "filter": {"bool": {"filter": [{"terms": {"sector": ["academia"]}}]}},
                "aggs": {"values": {"terms": {"field": "territories", "size": 50}}},
            },
            "aggs.sector": {
                "filter": {"bool": {"filter": [{"terms": {"territories": ["jaen", "chota"]}}]}},
                "aggs": {"values": {"terms": {"field": "sector", "size": 50}}},
            },
            "aggs.kind": {
                "filter": {
                    "bool": {
                        "filter": [{"terms": {"territories": ["jaen", "chota"]}}, {"terms": {"sector": ["academia"]}}]
                    }
                },
                "aggs": {"values": {"terms": {"field": "kind", "size": 50}}},
            },
        },
        id="facets: each counts with the other facets' filters, hits with all of them",
    ),
    pytest.param(
        {"query": "", "filters": {}, "offset": 40, "limit": 20},
        {
            "aggs.year": {"filter": {"match_all": {}}, "aggs": {"values": {"terms": {"field": "year", "size": 50}}}},
            "from": 40,
            "size": 20,
            "track_total_hits": True,
        },
        id="no filter: plain counts, and the third page",
    ),
]


def _at(body: dict, path: str):
    for name in path.split("."):
        body = body[name]
    return body


@pytest.mark.parametrize(("request_fields", "expected"), CASES)
def test_the_engine_sends_the_body_written_out_here(request_fields, expected):
    fields = {"language": "es", **request_fields}
    request = EngineQuery(query=parsing.parse(fields.pop("query")), **fields)

    body = requests.results_search(request).to_dict()

    for path, value in expected.items():
        assert _at(body, path) == value, path
    if not request.filters:
        assert "post_filter" not in body


def test_highlights_are_escaped_and_marked_on_stems_and_on_typos():
    body = requests.results_search(EngineQuery(query=parsing.parse("agua"))).to_dict()

    assert body["highlight"] == {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "fields": {
            "title": {"number_of_fragments": 0},
            "title.folded": {"number_of_fragments": 0},
            "text": {"fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200},
            "text.folded": {"fragment_size": 200, "number_of_fragments": 1},
        },
    }


def test_suggestions_complete_titles_of_pages_in_the_language_asked():
    body = requests.suggestions_search("presupuesto parti", 8, "es").to_dict()

    assert body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "presupuesto parti",
                            "type": "bool_prefix",
                            "fields": ["title_suggest", "title_suggest._2gram", "title_suggest._3gram"],
                        }
                    }
                ],
                "filter": [
                    {"terms": {"kind": ["plan", "consultation", "forum_topic"]}},
                    {"term": {"language": "es"}},
                ],
            }
        },
        "_source": ["title", "url", "kind"],
        "from": 0,
        "size": 8,
    }


def test_did_you_mean_asks_the_term_suggester_for_unknown_words():
    body = requests.spelling_search(["prsupeusto"]).to_dict()

    assert body == {
        "size": 0,
        "suggest": {
            "words": {
                "text": "prsupeusto",
                "term": {
                    "field": "spell",
                    "suggest_mode": "missing",
                    "min_word_length": 3,
                    "prefix_length": 1,
                    "sort": "score",
                },
            },
        },
    }
