"""Judged relevance on each engine for ``bench/search_engines.py``: the search documents
the import of the judged rows would make (``tests/search_relevance.py``), indexed on each
engine in seconds rather than the import's minutes, and the judged queries run through
the query service."""

from datetime import datetime
from typing import TYPE_CHECKING

from tests.search_relevance import DEPTH, TOP, import_rows, measure

if TYPE_CHECKING:
    from search.documents import Document


def documents(*, title: str, url: str, plan: int, consultation: int) -> list[tuple[str, "Document"]]:
    """The search documents the import of ``import_rows()`` into a consultation makes
    (``title``, ``url``, ids), built directly: the contribution's Markdown, its own
    title on a first bold line, rendered and read back as plain text. Each document's
    URL ends in ``#c<ref>``."""
    from core.markup import render_markdown
    from search.documents import Document
    from search.sources import plain_text

    found = []
    for row in import_rows():
        markdown = f"**{row['title']}**\n{row['text']}" if row["title"] else row["text"]
        document = Document(
            id=f"contribution-{row['ref']}",
            kind="contribution",
            title=title,
            text=plain_text(render_markdown(markdown.strip())),
            url=f"{url}#c{row['ref']}",
            language="es",
            created=datetime.fromisoformat(row["created_at"]),
            author=row["author_name"],
            sector=row["sector"],
            territories=[row["territory"]],
            plan=plan,
            plan_title="Plan",
            consultation=consultation,
            consultation_title=title,
            channel="workshop",
        )
        if document.text:
            found.append((f"contribution:{row['ref']}", document))
    return found


def bench(*, search_url: str, prefix: str) -> dict:
    """Index the proposals and comments alone on each engine, run the judged queries
    through the query service, and return the figures per engine. Django is set up on
    a throw-away database; its search documents are replaced, and the OpenSearch index
    under ``prefix`` is dropped at the end."""
    from django.test import override_settings
    from django.utils import translation

    from search import query
    from search.engines.database import DatabaseEngine
    from search.engines.opensearch import OpenSearchEngine

    pairs = documents(title="Decide Madrid", url="/es/planes/plan/decide-madrid/", plan=None, consultation=None)
    DatabaseEngine().rebuild(pairs)
    opensearch = OpenSearchEngine(url=search_url, prefix=prefix)
    try:
        opensearch.drop()
        opensearch.rebuild(pairs)

        def search(text: str) -> list[str | None]:
            results = query.search({"q": [text]}, per_page=DEPTH)
            return [hit.url.partition("#c")[2] or None for hit in results.hits]

        figures = {}
        with translation.override("es"):
            for engine, overrides in (
                ("opensearch", {"SEARCH_ENGINE": "opensearch", "SEARCH_INDEX_PREFIX": prefix}),
                ("database", {"SEARCH_ENGINE": "database"}),
            ):
                with override_settings(**overrides):
                    figures[engine] = measure(search).as_dict()
    finally:
        opensearch.drop()
    return {"documents": len(pairs), "engines": figures}


def print_table(relevance: dict) -> None:
    engines = relevance["engines"]
    queries = next(iter(engines.values()))["queries"]
    title = f"relevance: {queries} judged queries, {relevance['documents']:,} documents ({relevance['seconds']:.0f} s)"
    header = f"{title:<58} {'success@10':>10} {'MRR':>6}"
    print(header)
    print("-" * len(header))
    for engine, figures in engines.items():
        label = "OpenSearch" if engine == "opensearch" else "database (PostgreSQL)"
        print(f"{label:<58} {figures[f'success_at_{TOP}']:>10.3f} {figures['mrr']:>6.3f}")
    missed = {
        engine: [q for q, rank in figures["ranks"].items() if not rank or rank > TOP]
        for engine, figures in engines.items()
    }
    for engine, queries_missed in missed.items():
        if queries_missed:
            print(f"  not in the first {TOP} on {engine}: {', '.join(repr(q) for q in queries_missed)}")
