"""Search at scale: 200,000 contributions in OpenSearch and in PostgreSQL, in one run;
and relevance on judged queries, on both engines.

Run it from the repository's root as a module: ``python -m bench.search_engines``.

Builds ``--count`` search documents (every real Decide Madrid comment, plus text made by
recombining their sentences, with Cajamarca's facet values), indexes them with the
OpenSearch engine's bulk rebuild and with the database engine on PostgreSQL, then times
``--queries`` mixed queries — words, phrases, typos, missing accents, facet filters,
filters alone, newest first, later pages — three ways: through the query service on
OpenSearch, as the raw OpenSearch request the engine sends, and through the query
service on the database engine. The raw request is the body the engine would send for
the same parameters, built with the engine's own DSL functions before the clock starts
and sent straight through opensearch-py's client: nothing of ours runs while it is timed.

Before that, the 80 Decide Madrid proposals and their comments are indexed alone on both
engines and the judged queries of ``tests/search/judged_queries.csv`` are run through the
query service (``bench/search_relevance.py``): success@10 and MRR per engine.

Prints the tables and writes the figures to ``bench/results/search-<timestamp>.json``.
See bench/README.md.
"""

import argparse
import csv
import logging
import math
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from search.documents import Document

from bench import harness, search_relevance

#: Index prefix and database of this benchmark only: tests use ``cocrea-test`` and
#: ``test_cocrea``, the development site ``cocrea``.
BENCH_PREFIX = "cocrea-bench-search"
BENCH_DATABASE = "cocrea_bench_search"
TARGET_P95_MS = 100.0
#: The query service may add this much to the raw engine request, at p95.
TARGET_SERVICE_OVER_RAW = 1.3
#: Queries run through each path before measuring, and not counted.
WARMUP_QUERIES = 10
PROGRESS_EVERY = 50_000
LIMA = ZoneInfo("America/Lima")
FIRST_DAY = date(2015, 1, 15)
LAST_DAY = date(2026, 11, 1)

# --- what the documents look like ----------------------------------------------------------
SECTORS = {
    "citizen": 55,
    "civil_society": 17,
    "government": 9,
    "academia": 8,
    "private_sector": 8,
    "international": 3,
}
#: Cajamarca's 13 provinces, weighted roughly by population.
TERRITORIES = {
    "cajamarca": 24,
    "jaen": 14,
    "chota": 11,
    "cutervo": 9,
    "san-ignacio": 9,
    "celendin": 6,
    "hualgayoc": 6,
    "cajabamba": 5,
    "santa-cruz": 3,
    "san-marcos": 4,
    "san-miguel": 4,
    "san-pablo": 2,
    "contumaza": 2,
}
CHANNELS = {"web": 80, "workshop": 10, "paper": 6, "radio": 4}
RESPONSE_STATUSES = ("accepted", "partially_accepted", "not_accepted", "out_of_scope", "under_review")
OGP_VALUES = ("access_to_information", "civic_participation", "public_accountability", "technology_and_innovation")
#: Share of contributions with a government response status, and of those (not under
#: review) with a written response, which is a document of its own.
WITH_STATUS = 0.12
WITH_RESPONSE = 0.3
WITHOUT_TERRITORY = 0.08
CONSULTATIONS = 50
FIRST_CONSULTATION_ID = 101
PLANS = {
    3: ("Primer Plan de Acción de Gobierno Abierto de Cajamarca 2015–2017", 2015),
    4: ("Segundo Plan de Acción de Gobierno Abierto de Cajamarca 2018–2020", 2018),
    5: ("Tercer Plan de Acción de Gobierno Abierto de Cajamarca 2021–2023", 2021),
    6: ("Cuarto Plan de Acción de Gobierno Abierto de Cajamarca 2024–2026", 2024),
}
SECTIONS = ("Problema público", "Objetivo", "Actividades", "Indicadores", "Presupuesto", "Responsables", "Plazos")
ORGANISATIONS = {
    "civil_society": (
        "Asociación de Rondas Campesinas de Chota",
        "Red de Mujeres Emprendedoras de Jaén",
        "Colectivo Ciudadano por la Transparencia",
        "Mesa de Concertación para la Lucha contra la Pobreza",
    ),
    "government": (
        "Gobierno Regional de Cajamarca",
        "Municipalidad Provincial de Cutervo",
        "Dirección Regional de Salud",
    ),
    "academia": ("Universidad Nacional de Cajamarca", "Universidad Nacional de Jaén"),
    "private_sector": ("Cámara de Comercio de Cajamarca", "Cooperativa Agraria Cafetalera"),
    "international": ("Agencia de Cooperación Internacional", "Programa de las Naciones Unidas para el Desarrollo"),
}
LEAD_INSTITUTIONS = (
    "Gerencia Regional de Planeamiento",
    "Gerencia Regional de Desarrollo Social",
    "Oficina de Transparencia y Acceso a la Información",
    "Gerencia Regional de Infraestructura",
)
RESPONSES = {
    "accepted": (
        "Gracias por su aporte. Se incorpora al compromiso tal como lo propone.",
        "Aceptamos la propuesta: la actividad se añadirá al cronograma del compromiso.",
    ),
    "partially_accepted": (
        "Gracias por su aporte. Se incorpora en parte: la actividad se ajusta al presupuesto disponible.",
        "Tomamos la idea principal, aunque el plazo propuesto no es viable este año.",
    ),
    "not_accepted": (
        "Agradecemos su aporte, pero no se incorpora: excede las competencias del gobierno regional.",
        "No es posible incluirlo porque duplica una actividad que ya está en marcha.",
    ),
    "out_of_scope": (
        "Su aporte no corresponde a este compromiso; lo trasladamos a la entidad competente.",
        "El tema es importante, pero queda fuera del alcance de esta consulta.",
    ),
}

# --- the queries ----------------------------------------------------------------------------
#: Query categories and their share of the mix (out of 200).
QUERY_MIX = {
    "word": 36,
    "two_words": 28,
    "phrase": 20,
    "typo": 16,
    "unaccented": 16,
    "word_filters": 38,
    "filters_only": 16,
    "newest": 16,
    "page": 14,
}
QUERY_LABELS = {
    "word": "one frequent word",
    "two_words": "two words of one comment",
    "phrase": "quoted phrase of a comment",
    "typo": "word with a typo",
    "unaccented": "word without its accents",
    "word_filters": "word + 1–2 filters",
    "filters_only": "filters only, no words",
    "newest": "word, newest first",
    "page": "word, page 2–5",
}
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
ACCENTED = set("áéíóúüñ")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--count", type=int, default=200_000, help="documents indexed (default: 200000)")
    arguments.add_argument("--queries", type=int, default=200, help="queries measured per path (default: 200)")
    arguments.add_argument("--quick", action="store_true", help="20000 documents and 50 queries")
    arguments.add_argument("--seed", type=int, default=2026, help="random seed for documents and queries")
    options = arguments.parse_args()
    if options.quick:
        options.count, options.queries = 20_000, 50
    if options.count < 1000 or options.queries < 10:
        arguments.error("--count must be at least 1000 and --queries at least 10")
    started = time.perf_counter()

    harness.read_services_file()
    database_url, search_url = os.environ.get("DATABASE_URL", ""), os.environ.get("SEARCH_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not search_url:
        sys.exit(
            "search needs the real services: DATABASE_URL=postgres://… and SEARCH_URL=http://… "
            "(run `make services-up`, then `source services/load-env.sh`)."
        )
    opensearch_version = check_opensearch(search_url)

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cocrea.settings.test",
            "SEARCH_URL": search_url,
            "SEARCH_INDEX_PREFIX": BENCH_PREFIX,
            # Django starts on the database engine, so Wagtail's own search backend stays off
            # OpenSearch; each measured path sets the engine it wants.
            "SEARCH_ENGINE": "database",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    import django

    django.setup()
    from django.db import connection

    from tests import decide_madrid

    if not decide_madrid.available():
        sys.exit(f"Decide Madrid data not found at {decide_madrid.DATA_DIR} (set DECIDE_MADRID_DIR).")

    print(f"Generating {options.count:,} documents…", flush=True)
    clock = time.perf_counter()
    corpus = Corpus.load(decide_madrid.DATA_DIR, random.Random(options.seed))  # noqa: S311 - not security
    pairs = corpus.documents(options.count, random.Random(options.seed + 1))  # noqa: S311
    generation_seconds = time.perf_counter() - clock

    print(f"Creating and migrating the database {BENCH_DATABASE}…", flush=True)
    clock = time.perf_counter()
    connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
    # A throw-away database beside the configured one: whatever DATABASE_URL names is never
    # written to.
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    migration_seconds = time.perf_counter() - clock
    engine = None
    try:
        from search.engines.opensearch import OpenSearchEngine

        print("Relevance: the judged queries on the Decide Madrid proposals, on each engine…", flush=True)
        clock = time.perf_counter()
        relevance = search_relevance.bench(search_url=search_url, prefix=f"{BENCH_PREFIX}-relevance")
        relevance["seconds"] = round(time.perf_counter() - clock, 1)
        engine = OpenSearchEngine(url=search_url, prefix=BENCH_PREFIX)
        report = run(options, corpus, pairs, engine)
        report["relevance"] = relevance
    finally:
        if engine is not None:
            engine.drop()
        connection.creation.destroy_test_db(database, verbosity=0)
    report["data"]["generation_seconds"] = round(generation_seconds, 1)
    report["setup"] = {"migration_seconds": round(migration_seconds, 1)}
    report["machine"]["opensearch"] = opensearch_version
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    print_report(report)
    harness.write_results("search", report)


# --- setup ---------------------------------------------------------------------------------
def check_opensearch(url: str) -> dict:
    """The node's version and heap, or exit saying it cannot be reached."""
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import OpenSearchException

    client = OpenSearch(hosts=[url], timeout=10, max_retries=0)
    try:
        info = client.info()
        nodes = client.nodes.stats(metric="jvm")["nodes"]
    except (OpenSearchException, OSError) as error:
        sys.exit(f"OpenSearch at {url} cannot be reached ({error}); run `make services-up`.")
    heaps = [node["jvm"]["mem"]["heap_max_in_bytes"] for node in nodes.values()]
    return {
        "version": info["version"]["number"],
        "nodes": len(heaps),
        "heap_mb": round(max(heaps) / 2**20) if heaps else None,
    }


# --- documents -----------------------------------------------------------------------------
@dataclass
class Consultation:
    pk: int
    title: str
    plan: int
    opens: date
    ogp_values: list[str]
    territories: list[str]
    sections: list[str]
    lead_institution: str
    sentences: list[str] = field(default_factory=list)
    real_comments: int = 0


@dataclass
class Comment:
    id: int
    user: int
    text: str
    consultation: Consultation


class Corpus:
    """Decide Madrid's proposals as 50 consultations of four plans, and their comments.

    Real comments keep their text and author number; generated ones take as many
    sentences as a real comment drawn at random, mostly from the same consultation's
    comments and proposal, so vocabulary and length stay those of the real data.
    """

    def __init__(self, consultations: list[Consultation], comments: list[Comment]):
        self.consultations = consultations
        self.comments = comments
        self.sentences = [sentence for item in consultations for sentence in item.sentences]
        self.sentence_counts = [max(1, len(split_sentences(comment.text))) for comment in comments]

    @classmethod
    def load(cls, data_dir: Path, rng: random.Random) -> "Corpus":
        with (data_dir / "proposals.csv").open(encoding="utf-8", newline="") as source:
            proposals = sorted(csv.DictReader(source), key=lambda row: int(row["id"]))
        with (data_dir / "comments.csv").open(encoding="utf-8", newline="") as source:
            rows = [row for row in csv.DictReader(source) if row["text"].strip()]
        span = (LAST_DAY - FIRST_DAY).days
        consultations = []
        for index, proposal in enumerate(proposals[:CONSULTATIONS]):
            opens = FIRST_DAY + timedelta(days=index * span // CONSULTATIONS + rng.randrange(20))
            plan = max(pk for pk, (_title, year) in PLANS.items() if year <= opens.year)
            consultations.append(
                Consultation(
                    pk=FIRST_CONSULTATION_ID + index,
                    title=proposal["title"].strip(),
                    plan=plan,
                    opens=opens,
                    ogp_values=sorted(rng.sample(OGP_VALUES, rng.randint(1, 2))),
                    territories=sorted(rng.sample(sorted(TERRITORIES), rng.randint(1, 3))),
                    sections=rng.sample(SECTIONS, rng.randint(3, 5)),
                    lead_institution=rng.choice(LEAD_INSTITUTIONS),
                )
            )
        by_proposal = {proposal["id"]: consultations[index % CONSULTATIONS] for index, proposal in enumerate(proposals)}
        for proposal in proposals:
            target = by_proposal[proposal["id"]]
            target.sentences += split_sentences(f"{proposal['summary']} {proposal['text']}")
        comments = []
        for row in rows:
            target = by_proposal.get(row["proposalId"], consultations[int(row["proposalId"]) % CONSULTATIONS])
            target.sentences += split_sentences(row["text"])
            target.real_comments += 1
            comments.append(Comment(id=int(row["id"]), user=int(row["userId"]), text=row["text"], consultation=target))
        return cls(consultations, comments)

    def documents(self, count: int, rng: random.Random) -> list[tuple[str, "Document"]]:
        """``count`` (source key, document) pairs: every real comment first, then generated
        contributions, a few of them followed by the government's response."""
        pairs = []
        weights = [item.real_comments + 5 for item in self.consultations]
        number = 0
        while len(pairs) < count:
            number += 1
            if number <= len(self.comments):
                comment = self.comments[number - 1]
                consultation, text, user = comment.consultation, comment.text, comment.user
            else:
                consultation = rng.choices(self.consultations, weights)[0]
                text = self.generated_text(consultation, rng)
                user = rng.randint(1, 40_000)
            contribution = self.contribution(number, consultation, text, user, rng)
            pairs.append((f"contribution:{number}", contribution))
            if (
                len(pairs) < count
                and contribution.response_status not in ("", "under_review")
                and rng.random() < WITH_RESPONSE
            ):
                pairs.append((f"contribution:{number}", self.response(number, consultation, contribution, rng)))
        return pairs

    def generated_text(self, consultation: Consultation, rng: random.Random) -> str:
        sentences = []
        for _ in range(rng.choice(self.sentence_counts)):
            pool = consultation.sentences if consultation.sentences and rng.random() < 0.8 else self.sentences
            sentences.append(rng.choice(pool))
        return " ".join(sentences)

    def contribution(self, number: int, consultation: Consultation, text: str, user: int, rng: random.Random):
        from search.documents import Document

        sector = weighted(SECTORS, rng)
        status = rng.choice(RESPONSE_STATUSES) if rng.random() < WITH_STATUS else ""
        return Document(
            id=f"contribution-{number}",
            kind="contribution",
            title=consultation.title,
            text=" ".join(text.split()),
            url=f"/es/planes/plan-{consultation.plan}/consulta-{consultation.pk}/#c{number}",
            language="es",
            created=self.moment(consultation, rng),
            author=f"Usuario {user}",
            sector=sector,
            organisation=rng.choice(ORGANISATIONS[sector]) if sector in ORGANISATIONS else "",
            territories=[] if rng.random() < WITHOUT_TERRITORY else [weighted(TERRITORIES, rng)],
            plan=consultation.plan,
            plan_title=PLANS[consultation.plan][0],
            consultation=consultation.pk,
            consultation_title=consultation.title,
            ogp_values=consultation.ogp_values,
            response_status=status,
            channel=weighted(CHANNELS, rng),
            section=rng.choice(consultation.sections) if rng.random() < 0.6 else "",
        )

    def response(self, number: int, consultation: Consultation, answered, rng: random.Random):
        from search.documents import Document

        text = f"{rng.choice(RESPONSES[answered.response_status])} {rng.choice(consultation.sentences)}"
        return Document(
            id=f"response-{number}",
            kind="response",
            title=consultation.title,
            text=text,
            url=answered.url,
            language="es",
            created=answered.created + timedelta(days=rng.randint(5, 60)),
            author=consultation.lead_institution,
            sector="government",
            territories=consultation.territories,
            plan=consultation.plan,
            plan_title=answered.plan_title,
            consultation=consultation.pk,
            consultation_title=consultation.title,
            ogp_values=consultation.ogp_values,
            response_status=answered.response_status,
            channel=answered.channel,
            section=answered.section,
            context=f"{answered.author}: {answered.text[:240]}",
        )

    @staticmethod
    def moment(consultation: Consultation, rng: random.Random) -> datetime:
        """Within the 90 days the consultation is open, and never after the last day."""
        day = min(consultation.opens + timedelta(days=rng.randrange(90)), LAST_DAY)
        return datetime(day.year, day.month, day.day, rng.randrange(7, 23), rng.randrange(60), tzinfo=LIMA)


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(" ".join(text.split())) if len(part.split()) >= 3]


def weighted(choices: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(choices), list(choices.values()))[0]


# --- queries -------------------------------------------------------------------------------
@dataclass
class Query:
    category: str
    params: dict[str, list[str]]


def build_queries(corpus: Corpus, count: int, rng: random.Random) -> list[Query]:
    """``count`` queries in the proportions of ``QUERY_MIX``, all drawn from the real comments."""
    from search.text import STOP_WORDS, fold

    frequency: Counter[str] = Counter()
    for comment in corpus.comments:
        frequency.update(
            word
            for word in map(str.lower, _WORD.findall(comment.text))
            if len(word) >= 4 and fold(word) not in STOP_WORDS
        )
    frequent = [word for word, _ in frequency.most_common(300)]
    long_words = [word for word in frequent if len(word) >= 6]
    accented = [word for word, _ in frequency.most_common(2000) if ACCENTED & set(word)][:150]
    years = [str(year) for year in range(FIRST_DAY.year, LAST_DAY.year + 1)]

    def content_words(text: str) -> list[str]:
        return [word for word in _WORD.findall(text) if len(word) >= 4 and fold(word) not in STOP_WORDS]

    def two_words() -> str:
        while True:
            words = list(dict.fromkeys(word.lower() for word in content_words(rng.choice(corpus.comments).text)))
            if len(words) >= 2:
                first, second = sorted(rng.sample(range(len(words)), 2))
                return f"{words[first]} {words[second]}"

    def phrase() -> str:
        while True:
            text = " ".join(rng.choice(corpus.comments).text.split())
            matches = list(_WORD.finditer(text))
            runs = [
                matches[start : start + 3]
                for start in range(len(matches) - 2)
                if all(
                    text[left.end() : right.start()] == " "
                    for left, right in zip(matches[start : start + 2], matches[start + 1 : start + 3], strict=True)
                )
                and sum(fold(match.group()) not in STOP_WORDS for match in matches[start : start + 3]) >= 2
            ]
            if runs:
                return '"' + " ".join(match.group() for match in rng.choice(runs)) + '"'

    def typo() -> str:
        word = rng.choice(long_words)
        for _ in range(20):
            index = rng.randrange(1, len(word) - 2)
            if word[index] != word[index + 1]:
                return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
        return word

    def filters() -> dict[str, list[str]]:
        names = rng.sample(["territory", "sector", "year"], rng.randint(1, 2))
        chosen = {}
        for name in names:
            if name == "territory":
                chosen[name] = [weighted(TERRITORIES, rng)]
            elif name == "sector":
                chosen[name] = [weighted(SECTORS, rng)]
            else:
                chosen[name] = [rng.choice(years)]
        return chosen

    makers = {
        "word": lambda: {"q": [rng.choice(frequent)]},
        "two_words": lambda: {"q": [two_words()]},
        "phrase": lambda: {"q": [phrase()]},
        "typo": lambda: {"q": [typo()]},
        "unaccented": lambda: {"q": [fold(rng.choice(accented))]},
        "word_filters": lambda: {"q": [rng.choice(frequent)], **filters()},
        "filters_only": filters,
        "newest": lambda: {"q": [rng.choice(frequent)], "sort": ["newest"]},
        "page": lambda: {"q": [rng.choice(frequent[:100])], "page": [str(rng.randint(2, 5))]},
    }
    total = sum(QUERY_MIX.values())
    counts = {name: count * share // total for name, share in QUERY_MIX.items()}
    for name in sorted(QUERY_MIX, key=lambda item: -QUERY_MIX[item])[: count - sum(counts.values())]:
        counts[name] += 1
    categories = [name for name, number in counts.items() for _ in range(number)]
    rng.shuffle(categories)
    return [Query(category=name, params=makers[name]()) for name in categories]


def engine_query(params: dict[str, list[str]]):
    """The request the query service sends the engine for these parameters (valid ones)."""
    from search import facets, parsing
    from search.engines.base import EngineQuery
    from search.query import PER_PAGE, default_sort

    fields = {facet.parameter: facet.field for facet in facets.registered()}

    query = parsing.parse(params.get("q", [""])[0])
    sort = params["sort"][0] if "sort" in params else default_sort(query)
    page = int(params.get("page", ["1"])[0])
    return EngineQuery(
        query=query,
        filters={fields[name]: values for name, values in params.items() if name in fields},
        language="es",
        sort=sort,
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )


# --- measuring -----------------------------------------------------------------------------
def run(options, corpus: Corpus, pairs: list, engine) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import override_settings
    from django.utils import translation

    from core.models import Territory
    from search import query as service
    from search.engines import opensearch_queries as requests
    from search.engines.database import DatabaseEngine
    from search.engines.opensearch import BULK_CHUNK

    missing = set(TERRITORIES) - set(Territory.objects.values_list("slug", flat=True))
    if missing:
        raise RuntimeError(f"Territories missing from the database: {sorted(missing)}")
    kinds = Counter(document.kind for _, document in pairs)
    real = min(len(corpus.comments), kinds["contribution"])

    engine.drop()  # a leftover of an interrupted run
    print(f"Indexing into OpenSearch ({engine.alias})…", flush=True)
    clock = time.perf_counter()
    with BulkRetries() as retries:
        indexed = engine.rebuild(progress(pairs, "opensearch"))
    opensearch_seconds = time.perf_counter() - clock
    stats = engine.client.indices.stats(index=engine.alias, metric="docs,store,segments")["_all"]["primaries"]

    print("Indexing into PostgreSQL (database engine)…", flush=True)
    clock = time.perf_counter()
    stored = DatabaseEngine().rebuild(progress(pairs, "database"))
    database_seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    harness.analyze()
    analyze_seconds = time.perf_counter() - clock
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname IN ('search_searchdocument', 'search_searchfacet', 'search_searchword')"
        )
        table_bytes = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM search_searchfacet")
        facet_rows = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        postgres_version = cursor.fetchone()[0]

    queries = build_queries(corpus, options.queries, random.Random(options.seed + 2))  # noqa: S311
    warmup = build_queries(corpus, WARMUP_QUERIES, random.Random(options.seed + 3))  # noqa: S311
    records = [{"category": item.category, "params": item.params} for item in queries]

    def through_service(item: Query) -> tuple[float, object]:
        clock = time.perf_counter()
        results = service.search(item.params)
        return (time.perf_counter() - clock) * 1000, results

    def raw(item: Query) -> tuple[float, dict]:
        body = requests.results_search(engine_query(item.params)).to_dict()
        clock = time.perf_counter()
        response = engine.client.search(index=engine.alias, body=body)
        return (time.perf_counter() - clock) * 1000, response

    with translation.override(settings.LANGUAGE_CODE):
        print(f"Querying OpenSearch: {len(queries)} queries through the service and raw…", flush=True)
        clock = time.perf_counter()
        with override_settings(SEARCH_ENGINE="opensearch", SEARCH_INDEX_PREFIX=BENCH_PREFIX):
            for item in warmup:
                through_service(item)
                raw(item)
            for index, (item, record) in enumerate(zip(queries, records, strict=True)):
                # Alternate which goes first, so neither always finds the caches warmed by the other.
                order = ("service", "raw") if index % 2 == 0 else ("raw", "service")
                for path in order:
                    if path == "service":
                        elapsed, results = through_service(item)
                        record["opensearch_service"] = service_record(elapsed, results)
                    else:
                        elapsed, response = raw(item)
                        record["opensearch_raw"] = {
                            "ms": round(elapsed, 2),
                            "took_ms": response["took"],
                            "total": response["hits"]["total"]["value"],
                        }
        opensearch_query_seconds = time.perf_counter() - clock

        print(f"Querying PostgreSQL: {len(queries)} queries through the service…", flush=True)
        clock = time.perf_counter()
        with override_settings(SEARCH_ENGINE="database"):
            for item in warmup:
                through_service(item)
            for item, record in zip(queries, records, strict=True):
                elapsed, results = through_service(item)
                record["database_service"] = service_record(elapsed, results)
        database_query_seconds = time.perf_counter() - clock

    paths = {
        "opensearch_raw": [record["opensearch_raw"]["ms"] for record in records],
        "opensearch_took": [float(record["opensearch_raw"]["took_ms"]) for record in records],
        "opensearch_service": [record["opensearch_service"]["ms"] for record in records],
        "database_service": [record["database_service"]["ms"] for record in records],
    }
    latency = {name: summary(values) for name, values in paths.items()}
    by_category = {}
    for category in QUERY_MIX:
        chosen = [record for record in records if record["category"] == category]
        if chosen:
            by_category[category] = {
                "queries": len(chosen),
                **{name: summary([record[name]["ms"] for record in chosen]) for name in SERVICE_PATHS_AND_RAW},
            }
    indexing = {
        "opensearch": {
            "documents": indexed,
            "seconds": round(opensearch_seconds, 2),
            "docs_per_second": round(indexed / opensearch_seconds, 1),
            "bulk_chunk_max": BULK_CHUNK,
            "bulk_timeout_seconds": settings.SEARCH_BULK_TIMEOUT,
            "bulk_retried_smaller": retries.count,
            "index_docs": stats["docs"]["count"],
            "index_bytes": stats["store"]["size_in_bytes"],
            "segments": stats["segments"]["count"],
        },
        "database": {
            "documents": stored,
            "seconds": round(database_seconds, 2),
            "docs_per_second": round(stored / database_seconds, 1),
            "analyze_seconds": round(analyze_seconds, 2),
            "facet_rows": facet_rows,
            "table_bytes": table_bytes,
        },
    }
    fallbacks = sum(record["opensearch_service"]["engine"] != "opensearch" for record in records)
    service_p95 = latency["opensearch_service"]["p95_ms"]
    return {
        "benchmark": "search",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {"count": options.count, "queries": options.queries, "seed": options.seed, "quick": options.quick},
        "data": {
            "documents": len(pairs),
            "contributions": kinds["contribution"],
            "responses": kinds["response"],
            "real_comments": real,
            "generated_contributions": kinds["contribution"] - real,
            "consultations": len(corpus.consultations),
            "plans": len(PLANS),
            "average_text_chars": round(statistics.fmean(len(document.text) for _, document in pairs)),
            "source": "Decide Madrid comments (Madrid's, 2015–2019, Apache-2.0) and sentences recombined from them",
        },
        "indexing": indexing,
        "queries": {
            "measured": len(queries),
            "warmup_per_path": len(warmup),
            "mix": dict(Counter(record["category"] for record in records)),
            "opensearch_seconds": round(opensearch_query_seconds, 1),
            "database_seconds": round(database_query_seconds, 1),
            "service_fell_back_to_database": fallbacks,
            "zero_hits": {
                name: sum(record[name]["total"] == 0 for record in records)
                for name in ("opensearch_raw", "opensearch_service", "database_service")
            },
        },
        "latency": latency,
        "by_category": by_category,
        "ratios": ratios(latency, indexing),
        "target": {
            "what": "p95 through the query service on OpenSearch",
            "limit_ms": TARGET_P95_MS,
            "p95_ms": service_p95,
            "met": service_p95 < TARGET_P95_MS and not fallbacks,
        },
        "service_over_raw_target": {
            "what": "p95 through the query service on OpenSearch / p95 of the raw request",
            "limit": TARGET_SERVICE_OVER_RAW,
            "ratio": round(service_p95 / latency["opensearch_raw"]["p95_ms"], 3),
            "met": service_p95 <= TARGET_SERVICE_OVER_RAW * latency["opensearch_raw"]["p95_ms"] and not fallbacks,
        },
        "per_query": records,
        "machine": machine(postgres_version),
    }


SERVICE_PATHS_AND_RAW = ("opensearch_raw", "opensearch_service", "database_service")


class BulkRetries(logging.Handler):
    """Counts the bulk requests the engine sent again, smaller (it logs each)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "bulk of" in record.getMessage()

    def __enter__(self) -> "BulkRetries":
        logging.getLogger("search.engines.opensearch").addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger("search.engines.opensearch").removeHandler(self)


def service_record(elapsed: float, results) -> dict:
    return {
        "ms": round(elapsed, 2),
        "engine": results.engine + (" (fallback)" if results.fallback else ""),
        "total": results.total,
        "hits": len(results.hits),
        "page": results.page,
        "suggestion": results.suggestion,
    }


def progress(pairs: list, label: str):
    started = time.perf_counter()
    for number, pair in enumerate(pairs, 1):
        yield pair
        if number % PROGRESS_EVERY == 0 or number == len(pairs):
            print(f"  {label}: {number:,}/{len(pairs):,} ({time.perf_counter() - started:.0f} s)", flush=True)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def ratios(latency: dict, indexing: dict) -> dict:
    def divide(left: float, right: float) -> float | None:
        return round(left / right, 3) if right else None

    pairs = {
        "opensearch_service_over_raw": ("opensearch_service", "opensearch_raw"),
        "opensearch_raw_over_took": ("opensearch_raw", "opensearch_took"),
        "database_service_over_opensearch_service": ("database_service", "opensearch_service"),
    }
    found = {
        name: {key: divide(latency[top][key], latency[bottom][key]) for key in ("p50_ms", "p95_ms")}
        for name, (top, bottom) in pairs.items()
    }
    found["opensearch_over_database_docs_per_second"] = divide(
        indexing["opensearch"]["docs_per_second"], indexing["database"]["docs_per_second"]
    )
    return found


def machine(postgres_version: str) -> dict:
    return {**harness.machine("django", "wagtail", "opensearch-py", "psycopg"), "postgresql": postgres_version}


# --- the report ----------------------------------------------------------------------------
def print_report(report: dict) -> None:
    data, indexing, queries, latency = report["data"], report["indexing"], report["queries"], report["latency"]
    machine_, ratio = report["machine"], report["ratios"]
    opensearch = machine_["opensearch"]
    print(
        f"\nsearch: {data['documents']:,} documents — {data['real_comments']:,} real Decide Madrid comments, "
        f"{data['generated_contributions']:,} generated from their sentences, {data['responses']:,} government "
        f"responses; {data['consultations']} consultations in {data['plans']} plans, "
        f"{data['average_text_chars']} characters of text on average"
    )
    print(
        f"{machine_['platform']}, {machine_['processor']} × {machine_['cpu_count']}, Python {machine_['python']}, "
        f"PostgreSQL {machine_['postgresql']}, OpenSearch {opensearch['version']} (heap {opensearch['heap_mb']} MB); "
        f"whole run {report['wall_seconds']:.0f} s\n"
    )
    header = f"{'indexing':<44} {'documents':>10} {'seconds':>9} {'docs/s':>9}"
    print(header)
    print("-" * len(header))
    os_index, db_index = indexing["opensearch"], indexing["database"]
    bulk_label = f"OpenSearch rebuild (bulk, ≤ {os_index['bulk_chunk_max']} a request)"
    print(
        f"{bulk_label:<44} {os_index['documents']:>10,} "
        f"{os_index['seconds']:>9.1f} {os_index['docs_per_second']:>9,.0f}"
    )
    print(
        f"{'database rebuild (PostgreSQL)':<44} {db_index['documents']:>10,} "
        f"{db_index['seconds']:>9.1f} {db_index['docs_per_second']:>9,.0f}"
    )
    print(f"{'  then ANALYZE':<44} {'':>10} {db_index['analyze_seconds']:>9.1f}")
    print(
        f"{'ratio OpenSearch / database (docs/s)':<44} {'':>10} {'':>9} "
        f"{_ratio(ratio['opensearch_over_database_docs_per_second']):>9}"
    )
    print(
        f"  OpenSearch index {os_index['index_bytes'] / 2**20:,.0f} MB in {os_index['segments']} segments; "
        f"PostgreSQL tables {sum(db_index['table_bytes'].values()) / 2**20:,.0f} MB "
        f"({db_index['facet_rows']:,} facet rows); OpenSearch bulk requests sent again smaller: "
        f"{os_index['bulk_retried_smaller']} (bulk time limit {os_index['bulk_timeout_seconds']} s)\n"
    )
    title = f"latency of {queries['measured']} queries (ms)"
    header = f"{title:<44} {'p50':>8} {'p95':>8} {'max':>8} {'mean':>8}"
    print(header)
    print("-" * len(header))
    for name, label in (
        ("opensearch_took", "OpenSearch `took` (inside the node)"),
        ("opensearch_raw", "OpenSearch raw request (baseline)"),
        ("opensearch_service", "query service on OpenSearch"),
        ("database_service", "query service on the database (PostgreSQL)"),
    ):
        row = latency[name]
        print(f"{label:<44} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} {row['mean_ms']:>8.1f}")
    for name, label in (
        ("opensearch_service_over_raw", "ratio service / raw request"),
        ("opensearch_raw_over_took", "ratio raw request / took"),
        ("database_service_over_opensearch_service", "ratio database / OpenSearch (service)"),
    ):
        print(f"{label:<44} {_ratio(ratio[name]['p50_ms']):>8} {_ratio(ratio[name]['p95_ms']):>8}")
    print(
        f"  {queries['warmup_per_path']} warm-up queries per path not counted; OpenSearch paths took "
        f"{queries['opensearch_seconds']:.0f} s, the database path {queries['database_seconds']:.0f} s; "
        f"no hits: raw {queries['zero_hits']['opensearch_raw']}, service {queries['zero_hits']['opensearch_service']}, "
        f"database {queries['zero_hits']['database_service']}\n"
    )
    header = f"{'p50 / p95 by kind of query (ms)':<32} {'n':>4} {'raw':>13} {'service':>13} {'database':>15}"
    print(header)
    print("-" * len(header))
    for category, row in report["by_category"].items():
        cells = [f"{row[name]['p50_ms']:.0f} / {row[name]['p95_ms']:.0f}" for name in SERVICE_PATHS_AND_RAW]
        print(f"{QUERY_LABELS[category]:<32} {row['queries']:>4} {cells[0]:>13} {cells[1]:>13} {cells[2]:>15}")
    target = report["target"]
    verdict = "met" if target["met"] else "NOT met"
    print(f"\nTarget: p95 through the query service on OpenSearch < {target['limit_ms']:.0f} ms — {verdict} ", end="")
    print(f"({target['p95_ms']:.1f} ms).")
    target = report["service_over_raw_target"]
    verdict = "met" if target["met"] else "NOT met"
    print(
        f"Target: p95 of the query service ≤ {target['limit']}× the raw request's — {verdict} ({target['ratio']:.2f}×)."
    )
    print()
    search_relevance.print_table(report["relevance"])
    if queries["service_fell_back_to_database"]:
        print(
            f"Warning: {queries['service_fell_back_to_database']} queries through the service fell back to the "
            "database engine: OpenSearch failed during the run."
        )


def _ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}×"


if __name__ == "__main__":
    main()
