"""Search in the database: PostgreSQL full-text or SQLite FTS5, over terms analysed in
Python (see :mod:`search.text`), so both behave alike and need no extension.

It is the embedded default (``make run``) and the fallback when OpenSearch is down; the
documents it stores are also what drift checks compare the engine against.
"""

import zlib
from collections.abc import Iterable
from datetime import datetime, time

from django.db import connection, transaction
from django.db.models import Count, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .. import facets as registry
from .. import highlight
from .. import text as analysis
from ..documents import READERS, Document
from ..models import SearchDocument, SearchFacet, SearchWord
from ..parsing import ParsedQuery
from .base import SUGGESTED_KINDS, Engine, EngineHit, EngineQuery, EngineResults

BATCH = 500
#: PostgreSQL advisory locks taken while documents are written: this table's class, and
#: the number of buckets document ids are spread over.
LOCK_CLASS = 0x5EA4C4
LOCK_BUCKETS = 256
#: Words shorter than this must be spelled right (as OpenSearch's "AUTO:5,…").
FUZZY_MIN_LENGTH = 5
_TABLE = SearchDocument._meta.db_table


class _Postgres:
    """A weighted ``tsvector`` column (title and lead A, body B) with a GIN index."""

    def lock(self, doc_ids: list[str]) -> None:
        """Hold, until the transaction ends, the locks of these documents' buckets, so
        two writers of one document take turns: otherwise both delete the old row, then
        both insert, and the second breaks the unique ``doc_id`` (seen with live
        workers). Buckets keep the locks few; sorted, two writers cannot deadlock."""
        buckets = sorted({zlib.crc32(doc_id.encode()) % LOCK_BUCKETS for doc_id in doc_ids})
        with connection.cursor() as cursor:
            for bucket in buckets:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, bucket])

    def write(self, rows: list[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_TABLE} SET search_vector = "  # noqa: S608 - table name is ours
                "setweight(to_tsvector('simple', title_terms || ' ' || lead.terms), 'A') || "
                "setweight(to_tsvector('simple', body_terms), 'B') "
                "FROM unnest(%s::bigint[], %s::text[]) AS lead(id, terms) WHERE search_searchdocument.id = lead.id",
                [[row.pk for row in rows], [row.lead_terms for row in rows]],
            )

    def delete(self, pks: list[int]) -> None:
        """Rows go with their documents."""

    def any_term(self, terms: list[str]) -> str:
        return "(" + " | ".join(f"'{term}'" for term in terms) + ")"

    def phrase(self, terms: list[str]) -> str:
        return "(" + " <-> ".join(f"'{term}'" for term in terms) + ")"

    def all_of(self, parts: list[str]) -> str:
        return "(" + " & ".join(parts) + ")"

    def one_of(self, parts: list[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def matching(self, expression: str) -> RawSQL:
        return RawSQL(  # noqa: S611 - fixed SQL; the query is a parameter
            f"SELECT id FROM {_TABLE} WHERE search_vector @@ to_tsquery('simple', %s)",  # noqa: S608
            [expression],
        )

    def rank(self, expression: str) -> RawSQL:
        return RawSQL(  # noqa: S611 - fixed SQL; the query is a parameter
            f"ts_rank({_TABLE}.search_vector, to_tsquery('simple', %s))", [expression], output_field=FloatField()
        )


class _Sqlite:
    """An FTS5 table whose rowid is the document's id; BM25 with the title (and lead)
    weighted."""

    def lock(self, doc_ids: list[str]) -> None:
        """SQLite lets one writer at a time in: nothing to add."""

    def write(self, rows: list[SearchDocument]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [(row.pk, f"{row.title_terms} {row.lead_terms}", row.body_terms) for row in rows],
            )

    def delete(self, pks: list[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(pks), BATCH):
                chunk = pks[start : start + BATCH]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({placeholders})", chunk)  # noqa: S608

    def any_term(self, terms: list[str]) -> str:
        return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"

    def phrase(self, terms: list[str]) -> str:
        return '"' + " ".join(terms) + '"'

    def all_of(self, parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    def one_of(self, parts: list[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def matching(self, expression: str) -> RawSQL:
        return RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])

    def rank(self, expression: str) -> RawSQL:
        return RawSQL(
            "(SELECT -bm25(search_fts, 3.0, 1.0) FROM search_fts "
            "WHERE search_fts MATCH %s AND search_fts.rowid = search_searchdocument.id)",
            [expression],
            output_field=FloatField(),
        )


def _vendor():
    return _Postgres() if connection.vendor == "postgresql" else _Sqlite()


def _facet_values(document: Document) -> list[tuple[str, str]]:
    """One row per filterable value, and one per language of the readers it is kept for."""
    values = [(name, value) for name, listed in document.facet_values().items() for value in listed]
    return values + [(READERS, language) for language in document.readers]


def _row(document: Document, source_key: str) -> SearchDocument:
    body = " ".join(filter(None, [document.text, document.section, document.author, document.organisation]))
    row = SearchDocument(
        doc_id=document.id,
        source_key=source_key,
        kind=document.kind,
        title=document.title,
        text=document.text,
        url=document.url,
        language=document.language,
        created=document.created,
        author=document.author,
        sector=document.sector,
        organisation=document.organisation,
        territories=document.territories,
        plan=document.plan,
        plan_title=document.plan_title,
        consultation=document.consultation,
        consultation_title=document.consultation_title,
        ogp_values=document.ogp_values,
        response_status=document.response_status,
        channel=document.channel,
        section=document.section,
        context=document.context,
        facets=document.facets,
        readers=document.readers,
        fingerprint=document.fingerprint(),
        title_terms=" ".join(analysis.terms(document.title)),
        body_terms=" ".join(analysis.terms(body)),
    )
    # Full-text only, weighted as the title: where a contribution says what it is about.
    row.lead_terms = " ".join(analysis.lead(document.text))
    return row


def as_dict(row: SearchDocument) -> dict:
    data = {name: getattr(row, name) for name in Document.__dataclass_fields__}
    data["id"] = row.doc_id
    data["created"] = row.created.isoformat()
    data["year"] = row.created.year
    data["fingerprint"] = row.fingerprint
    return data


def as_document(row: SearchDocument) -> Document:
    data = {name: getattr(row, name) for name in Document.__dataclass_fields__ if name != "id"}
    return Document(id=row.doc_id, **data)


class DatabaseEngine(Engine):
    name = "database"

    # --- writing ---------------------------------------------------------------------
    def write(self, pairs: Iterable[tuple[str, Document]], stale_ids: Iterable[str] = ()) -> None:
        """Store documents (each with the key of the object it came from), replacing
        earlier versions, and remove ``stale_ids``."""
        pairs = list(pairs)
        vendor = _vendor()
        with transaction.atomic():
            doc_ids = sorted(set(stale_ids) | {document.id for _, document in pairs})
            vendor.lock(doc_ids)
            for start in range(0, len(doc_ids), BATCH):
                old = list(
                    SearchDocument.objects.filter(doc_id__in=doc_ids[start : start + BATCH]).values_list(
                        "pk", flat=True
                    )
                )
                vendor.delete(old)
                SearchDocument.objects.filter(pk__in=old).delete()
            for start in range(0, len(pairs), BATCH):
                self._insert(pairs[start : start + BATCH], vendor)

    def _insert(self, pairs: list[tuple[str, Document]], vendor) -> None:
        rows = SearchDocument.objects.bulk_create([_row(document, key) for key, document in pairs])
        vendor.write(rows)
        facets = []
        for row, (_, document) in zip(rows, pairs, strict=True):
            facets += [
                SearchFacet(document_id=row.pk, field=name, value=value[:100])
                for name, value in _facet_values(document)
            ]
        SearchFacet.objects.bulk_create(facets)
        known = set()
        for _, document in pairs:
            known |= analysis.vocabulary(f"{document.title} {document.text}")
        SearchWord.objects.bulk_create(
            [SearchWord(word=word, stem=analysis.stem(word), initial=word[0], length=len(word)) for word in known],
            ignore_conflicts=True,
            batch_size=BATCH,
        )

    def ids_for(self, source_keys: Iterable[str]) -> list[str]:
        source_keys = list(source_keys)
        found: list[str] = []
        for start in range(0, len(source_keys), BATCH):
            chunk = source_keys[start : start + BATCH]
            found += SearchDocument.objects.filter(source_key__in=chunk).values_list("doc_id", flat=True)
        return found

    def fingerprints(self) -> dict[str, str]:
        return dict(SearchDocument.objects.values_list("doc_id", "fingerprint").iterator(chunk_size=5000))

    def rebuild(self, pairs: Iterable[tuple[str, Document]]) -> int:
        """Replace every document; readers see the old set until the commit."""
        with transaction.atomic():
            old = list(SearchDocument.objects.values_list("pk", flat=True))
            _vendor().delete(old)
            SearchDocument.objects.all().delete()
            count = 0
            batch: list[tuple[str, Document]] = []
            for pair in pairs:
                batch.append(pair)
                if len(batch) == BATCH:
                    self._insert(batch, _vendor())
                    count, batch = count + len(batch), []
            if batch:
                self._insert(batch, _vendor())
                count += len(batch)
        return count

    def refresh(self) -> None:
        """Writes are visible once committed."""

    def stored(self, doc_ids: Iterable[str] | None = None):
        """(source key, document) of what is stored, of these ids or all."""
        queryset = SearchDocument.objects.order_by("pk")
        if doc_ids is not None:
            doc_ids = list(doc_ids)
            for start in range(0, len(doc_ids), BATCH):
                for row in queryset.filter(doc_id__in=doc_ids[start : start + BATCH]):
                    yield row.source_key, as_document(row)
            return
        for row in queryset.iterator(chunk_size=2000):
            yield row.source_key, as_document(row)

    # --- reading ---------------------------------------------------------------------
    def _expansions(self, word: str) -> list[str]:
        """The stems of ``word`` and of known words one typo away from it."""
        stems = {analysis.stem(word)}
        if len(word) >= FUZZY_MIN_LENGTH:
            candidates = SearchWord.objects.filter(
                initial=word[0], length__gte=len(word) - 1, length__lte=len(word) + 1
            ).values_list("word", "stem")
            stems |= {stem for known, stem in candidates if analysis.within_one_edit(word, known)}
        return sorted(stems)

    def _text_filter(self, query: ParsedQuery, vendor) -> tuple[Q, set[str], str]:
        """The full-text condition, the stems to highlight, and the ranking expression."""
        groups, highlighted = [], set()
        for word in analysis.words(" ".join(query.words)):
            if word in analysis.STOP_WORDS:
                continue
            group = self._expansions(word)
            groups.append(group)
            highlighted |= set(group)
        phrases = [analysis.terms(phrase) for phrase in query.phrases]
        phrases = [phrase for phrase in phrases if phrase]
        for phrase in phrases:
            highlighted |= set(phrase)
        condition = Q()
        expression = ""
        if groups or phrases:
            expression = self._expression(vendor, [vendor.any_term(group) for group in groups], phrases)
            condition &= Q(pk__in=vendor.matching(expression))
        excluded = sorted({analysis.stem(word) for word in analysis.words(" ".join(query.excluded))} - {""})
        excluded = [term for term in excluded if term not in analysis.STOP_WORDS]
        if excluded:
            condition &= ~Q(pk__in=vendor.matching(vendor.any_term(excluded)))
        return condition, highlighted, expression

    def _shown(self, queryset, language: str):
        """Without the documents kept for readers of other languages only: versions of
        pages, so few that their ids are read first (a ``NOT IN`` over the facet rows,
        or-ed with an ``IN``, was planned as a scan per document on PostgreSQL)."""
        if not language:
            return queryset
        for_reader = SearchFacet.objects.filter(field=READERS, value=language).values("document_id")
        hidden = SearchFacet.objects.filter(field=READERS).exclude(document_id__in=for_reader)
        return queryset.exclude(pk__in=list(hidden.values_list("document_id", flat=True)))

    @staticmethod
    def _expression(vendor, words: list[str], phrases: list[list[str]]) -> str:
        """Every phrase, and every word but one from three words on (as OpenSearch's
        ``minimum_should_match``): the words as alternatives of all-but-one."""
        required = analysis.words_required(len(words))
        if required < len(words):
            words = [vendor.one_of([vendor.all_of(words[:left] + words[left + 1 :]) for left in range(len(words))])]
        return vendor.all_of(words + [vendor.phrase(phrase) for phrase in phrases])

    def _filtered(self, queryset, request: EngineQuery, skip: str | None = None):
        for name, values in request.filters.items():
            if name != skip and values:
                matching = SearchFacet.objects.filter(field=name, value__in=values).values("document_id")
                queryset = queryset.filter(pk__in=matching)
        tz = timezone.get_current_timezone()
        if request.date_from:
            queryset = queryset.filter(
                created__gte=timezone.make_aware(datetime.combine(request.date_from, time.min), tz)
            )
        if request.date_to:
            queryset = queryset.filter(
                created__lte=timezone.make_aware(datetime.combine(request.date_to, time.max), tz)
            )
        return queryset

    def search(self, request: EngineQuery) -> EngineResults:
        vendor = _vendor()
        condition, stems, expression = self._text_filter(request.query, vendor)
        matched = self._shown(SearchDocument.objects.filter(condition), request.language)
        results = self._filtered(matched, request)
        total = results.count()
        if request.sort == "relevance" and expression:
            ordered = results.annotate(rank=vendor.rank(expression)).order_by("-rank", "-created", "pk")
        else:
            ordered = results.order_by("-created", "pk")
        hits = [
            EngineHit(
                document=as_dict(row),
                score=getattr(row, "rank", 0.0) or 0.0,
                title_html=highlight.mark(row.title, stems),
                snippet_html=highlight.snippet(row.text, stems),
            )
            for row in ordered[request.offset : request.offset + request.limit]
        ]
        return EngineResults(total=total, hits=hits, facets=self._facets(matched, request))

    def _facets(self, matched, request: EngineQuery) -> dict[str, dict[str, int]]:
        names = registry.fields()
        facets: dict[str, dict[str, int]] = {name: {} for name in names}
        filtered_fields = [name for name in names if request.filters.get(name)]
        plain_fields = [name for name in names if name not in filtered_fields]
        batches = [(None, plain_fields)] + [(name, [name]) for name in filtered_fields]
        for skip, names in batches:
            if not names:
                continue
            documents = self._filtered(matched, request, skip=skip).values("pk")
            counts = (
                SearchFacet.objects.filter(document_id__in=documents, field__in=names)
                .values_list("field", "value")
                .annotate(count=Count("id"))
            )
            for name, value, count in counts:
                facets[name][value] = count
        return facets

    def corrections(self, query: ParsedQuery) -> dict[str, str]:
        found = {}
        for word in analysis.words(" ".join(query.words + query.phrases)):
            if word in analysis.STOP_WORDS or len(word) < 3 or word.isdigit():
                continue
            if SearchWord.objects.filter(word=word).exists():
                continue
            limit = 2 if len(word) >= FUZZY_MIN_LENGTH else 1
            candidates = SearchWord.objects.filter(
                initial=word[0], length__gte=len(word) - limit, length__lte=len(word) + limit
            ).values_list("word", flat=True)
            best = min(
                ((analysis.edit_distance(word, known, limit + 1), known) for known in candidates),
                default=(limit + 1, ""),
            )
            found[word] = best[1] if best[0] <= limit else ""
        return found

    def suggest(self, prefix: str, limit: int = 8, language: str = "") -> list[dict]:
        words = analysis.words(prefix)
        if not words:
            return []
        condition = Q(kind__in=SUGGESTED_KINDS)
        if language:
            condition &= Q(language=language)
        for word in words[:-1]:
            if word not in analysis.STOP_WORDS:
                condition &= Q(title_terms__contains=analysis.stem(word))
        last = words[-1]
        if last not in analysis.STOP_WORDS:
            condition &= Q(title_terms__contains=last[: max(3, len(analysis.stem(last)))])
        rows = SearchDocument.objects.filter(condition).order_by("-created")[:limit]
        return [{"title": row.title, "url": row.url, "kind": row.kind} for row in rows]
