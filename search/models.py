"""The database side of search: documents (the fallback engine, and the record every
engine is checked against), their facet values, the known words, and the backlog of
changes waiting to reach the engine."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """A public document as last indexed. The full-text columns live beside it: a
    ``tsvector`` column on PostgreSQL, an FTS5 table on SQLite (see the migrations)."""

    doc_id = models.CharField(max_length=80, unique=True)
    source_key = models.CharField(max_length=80, db_index=True)
    kind = models.CharField(max_length=30)
    title = models.TextField()
    text = models.TextField()
    url = models.TextField()
    language = models.CharField(max_length=10)
    created = models.DateTimeField(db_index=True)
    author = models.CharField(max_length=255, blank=True)
    sector = models.CharField(max_length=40, blank=True)
    organisation = models.CharField(max_length=255, blank=True)
    territories = models.JSONField(default=list)
    plan = models.BigIntegerField(null=True)
    plan_title = models.TextField(blank=True)
    consultation = models.BigIntegerField(null=True)
    consultation_title = models.TextField(blank=True)
    ogp_values = models.JSONField(default=list)
    response_status = models.CharField(max_length=30, blank=True)
    channel = models.CharField(max_length=30, blank=True)
    section = models.CharField(max_length=255, blank=True)
    context = models.TextField(blank=True)
    facets = models.JSONField(default=dict)  # a host's own facets: name → values
    readers = models.JSONField(default=list)  # languages of the readers it is shown to; []: all
    fingerprint = models.CharField(max_length=32)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")

    def __str__(self):
        return self.doc_id


class SearchFacet(models.Model):
    """One filterable value of a document (a document has one row per territory)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facet_values")
    field = models.CharField(max_length=30)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["field", "value", "document"])]

    def __str__(self):
        return f"{self.field}={self.value}"


class SearchWord(models.Model):
    """A word some document contains, with its stem: for typo tolerance and for
    "did you mean" on the database engine."""

    word = models.CharField(max_length=40, primary_key=True)
    stem = models.CharField(max_length=40)
    initial = models.CharField(max_length=1)
    length = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["initial", "length"])]

    def __str__(self):
        return self.word


class IndexingBacklog(models.Model):
    """An object whose documents must be (re)written: recorded in the transaction that
    changed it, deleted only once the engine has the change."""

    key = models.CharField(max_length=80, unique=True)
    queued_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    retry_after = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("indexing backlog entry")
        verbose_name_plural = _("indexing backlog")

    def __str__(self):
        return self.key
