"""The OpenSearch index, declared once: its analyzers and its fields, as DSL objects.

Spanish analysis: lower-casing, accent folding, the database engine's Spanish stop
words (:mod:`search.text`), light stemming. Each text field has two sub-fields: ``en``
(English stemming, for English pages) and ``folded`` (words as written, unstemmed:
where typos are tolerated, so that one edit is one edit of the word typed, not of a
stem). Titles also feed a search-as-you-type field; the words of titles and texts feed
``spell``, which "did you mean" draws from. Values of host-specific facets
(``Document.facets``) become keyword fields under ``facets`` as they arrive.
"""

from opensearchpy import Date, Index, Keyword, MetaField, Object, SearchAsYouType, Text, analyzer, token_filter
from opensearchpy import Document as DslDocument

from .. import text as analysis

spanish_stop = token_filter("spanish_stop", "stop", stopwords=sorted(analysis.STOP_WORDS))
spanish_stem = token_filter("spanish_light", "stemmer", language="light_spanish")
english_stop = token_filter("english_stop", "stop", stopwords="_english_")
english_stem = token_filter("english_stem", "stemmer", language="light_english")

folded = analyzer("folded", tokenizer="standard", filter=["lowercase", "asciifolding"])
spanish_folded = analyzer(
    "spanish_folded",
    tokenizer="standard",
    filter=["lowercase", "asciifolding", spanish_stop, spanish_stem],
)
english_folded = analyzer(
    "english_folded", tokenizer="standard", filter=["lowercase", english_stop, "asciifolding", english_stem]
)


def _text() -> Text:
    return Text(
        analyzer=spanish_folded,
        fields={"en": Text(analyzer=english_folded), "folded": Text(analyzer=folded)},
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
    )
    definition.document(IndexedDocument)
    return definition
