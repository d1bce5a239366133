"""The OpenSearch index, declared once: its analyzers and its fields, as DSL objects.

Text is analysed as the database engine analyses it (:mod:`search.text`): lower-cased,
accents folded, the same Spanish stop words dropped, then Snowball's Spanish stemmer,
so a word finds the same documents on both engines. Lucene's Snowball is older than
Python's and strips "-ción" only with its accent, so the accent is put back on a final
"-cion" first (``contaminacion`` → ``contamin``, as in Python); with that, the stems of
all 20,107 distinct words of the Decide Madrid sample are the same on both engines.
OpenSearch's ``light_spanish``, used before, stemmed a third of them differently and
never joined a verb to its noun (``limpiar``/``limpieza``, ``reciclar``/``reciclado``).

Each text field has sub-fields: ``en`` (English stemming, for English pages),
``folded`` (words as written, unstemmed: where typos are tolerated, so that one edit
is one edit of the word typed, not of a stem) and ``lead``, the first ``LEAD_WORDS``
words, where a contribution says what it is about — its own title, when it has one
(longer than any of the sample's 80 proposal titles), its first sentence otherwise —
without length normalisation, so a long proposal's opening counts as much as a short
comment's. The main text field's BM25 gives length little weight (``b`` 0.1, not
0.75): a one-line comment that mentions a word once no longer outranks the proposal
that is about it. Titles also feed a search-as-you-type field; the words of titles and
texts feed ``spell``, which "did you mean" draws from. Values of host-specific facets
(``Document.facets``) become keyword fields under ``facets`` as they arrive.
"""

from opensearchpy import Date, Index, Keyword, MetaField, Object, SearchAsYouType, Text, analyzer, token_filter
from opensearchpy import Document as DslDocument

from .. import text as analysis

#: BM25's length normalisation of text (0: none, 0.75: Lucene's default).
TEXT_LENGTH_WEIGHT = 0.1

spanish_stop = token_filter("spanish_stop", "stop", stopwords=sorted(analysis.STOP_WORDS))
spanish_accent = token_filter("spanish_cion", "pattern_replace", pattern="cion$", replacement="ción")
spanish_stem = token_filter("spanish_snowball", "snowball", language="Spanish")
english_stop = token_filter("english_stop", "stop", stopwords="_english_")
english_stem = token_filter("english_stem", "stemmer", language="light_english")

folded = analyzer("folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
spanish_folded = analyzer(
    "spanish_folded",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", spanish_stop, spanish_accent, spanish_stem, "asciifolding"],
)
lead_limit = token_filter("lead_limit", "limit", max_token_count=analysis.LEAD_WORDS)
spanish_lead = analyzer(
    "spanish_lead",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", spanish_stop, lead_limit, spanish_accent, spanish_stem, "asciifolding"],
)
english_folded = analyzer(
    "english_folded", tokenizer="standard", filter=["lowercase", english_stop, "asciifolding", english_stem]
)


def _text() -> Text:
    return Text(
        analyzer=spanish_folded,
        similarity="text_bm25",
        fields={
            "en": Text(analyzer=english_folded),
            "folded": Text(analyzer=folded),
            "lead": Text(analyzer=spanish_lead, norms=False),
        },
        copy_to="spell",
    )


class IndexedDocument(DslDocument):
    """A :class:`search.documents.Document` as the index holds it."""

    id = Keyword()
    source_key = Keyword()
    kind = Keyword()
    title = _text()
    title_suggest = SearchAsYouType(analyzer=folded)
    text = _text()
    spell = Text(analyzer=folded)
    url = Keyword(index=False)
    language = Keyword()
    readers = Keyword()
    created = Date()
    year = Keyword()
    author = Text(analyzer=spanish_folded)
    sector = Keyword()
    organisation = Text(analyzer=spanish_folded)
    territories = Keyword()
    plan = Keyword()
    plan_title = Keyword(index=False)
    consultation = Keyword()
    consultation_title = Keyword(index=False)
    ogp_values = Keyword()
    response_status = Keyword()
    channel = Keyword()
    section = Text(analyzer=spanish_folded)
    context = Text(index=False)
    fingerprint = Keyword()
    facets = Object(dynamic=True)

    class Meta:
        dynamic = MetaField("strict")
        dynamic_templates = MetaField([{"host_facets": {"path_match": "facets.*", "mapping": {"type": "keyword"}}}])


def index(name: str, *, replicas: int) -> Index:
    """The index definition under ``name``: settings, analyzers and mapping."""
    definition = Index(name)
    definition.settings(
        number_of_shards=1,
        number_of_replicas=replicas,
        max_result_window=10_000,
        # Set explicitly: an index left at the default stops refreshing while no one
        # searches it ("search idle"), and a change could stay invisible well past a second.
        refresh_interval="1s",
        similarity={"text_bm25": {"type": "BM25", "b": TEXT_LENGTH_WEIGHT}},
    )
    definition.document(IndexedDocument)
    return definition
