"""What is searchable: the document shape, and the sources that produce documents.

Apps describe their public content to the search app by registering a *source* in their
``search_documents.py`` (loaded when the search app starts), so no list of searchable
models lives here. A source turns object ids into the documents that are public right
now — an empty list means "nothing of this object may be found", which is how drafts,
unpublished pages and held contributions leave the index.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

#: Kinds of document, in the order the facet lists them.
KINDS = {
    "consultation": _("Consultation"),
    "contribution": _("Contribution"),
    "response": _("Government response"),
    "plan": _("Action plan"),
    "forum_topic": _("Forum topic"),
    "forum_post": _("Forum post"),
}


def register_kind(kind: str, label) -> None:
    """A kind of document of an app's own (a public hearing's questions and answers),
    labelled in the "type" facet after the others; from an app's ``search_documents.py``."""
    KINDS.setdefault(kind, label)


#: Fields that hold codes or ids, filterable as they are (the facets choose among them).
KEYWORD_FIELDS = (
    "kind",
    "year",
    "sector",
    "territories",
    "plan",
    "consultation",
    "ogp_values",
    "response_status",
    "channel",
)


#: Where engines keep ``Document.readers``, beside the facet values (no facet may take it).
READERS = "readers"


def facet_path(name: str) -> str:
    """Where an engine keeps a facet's values: its own field, or under ``facets``."""
    return name if name in KEYWORD_FIELDS else f"facets.{name}"


@dataclass
class Document:
    """One searchable thing, as both engines store it. Never holds private data: no
    e-mail address, user id, IP address or gender."""

    id: str  # "contribution-12": kind and primary key
    kind: str
    title: str
    text: str
    url: str  # the path, with the exact anchor
    language: str
    created: datetime
    author: str = ""
    sector: str = ""
    organisation: str = ""
    territories: list[str] = field(default_factory=list)  # territory slugs
    plan: int | None = None
    plan_title: str = ""
    consultation: int | None = None
    consultation_title: str = ""
    ogp_values: list[str] = field(default_factory=list)
    response_status: str = ""
    channel: str = ""
    section: str = ""  # heading of the commented section
    context: str = ""  # shown with the hit, not searched: what a response answers
    #: Values of facets a host registers beyond the fields above (a budget proposal's
    #: phase, a hearing's question status), by the facet's field name.
    facets: dict[str, list[str]] = field(default_factory=dict)
    #: The languages of the readers it is shown to; empty: everyone. One page's versions
    #: share them out, so a reader finds the page once (see ``sources.reader_languages``).
    readers: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.created.year

    def facet_values(self) -> dict[str, list[str]]:
        """Every filterable value, by field: the keyword fields and the host's facets."""
        values: dict[str, list[str]] = {}
        for name in KEYWORD_FIELDS:
            value = self.year if name == "year" else getattr(self, name)
            listed = value if isinstance(value, list) else [value]
            values[name] = [str(item) for item in listed if item not in (None, "")]
        for name, listed in self.facets.items():
            values.setdefault(name, []).extend(str(item) for item in listed if item not in (None, ""))
        return {name: listed for name, listed in values.items() if listed}

    def as_dict(self) -> dict:
        data = asdict(self)
        data["created"] = self.created.isoformat()
        data["year"] = self.year
        data["fingerprint"] = self.fingerprint()
        return data

    def fingerprint(self) -> str:
        """Changes whenever anything stored changes: how drift is found."""
        data = asdict(self)
        data["created"] = self.created.isoformat()
        payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


class Source:
    """Produces the documents of one family of objects, named by ``prefix``.

    An object is addressed by a *key*, ``"<prefix>:<pk>"``; the index is kept true by
    re-reading keys whose object changed (see :mod:`search.indexing`).
    """

    prefix: str
    #: The model whose objects this source reads, if one: lets an app say "this object
    #: changed" (:func:`search.indexing.queue_changed`) without naming keys.
    model: type | None = None

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        """The public documents of each object (missing or private objects: [])."""
        raise NotImplementedError

    def dependents(self, pks: list[str]) -> list[str]:
        """Keys of other objects whose documents depend on these (a consultation's
        contributions carry its title, URL and visibility)."""
        return []

    def all_pks(self) -> Iterator[str]:
        """Every object that may have documents, for rebuilds and drift checks."""
        raise NotImplementedError


_sources: dict[str, Source] = {}


def register(source_class: type[Source]) -> type[Source]:
    """Class decorator for an app's ``search_documents.py``."""
    _sources[source_class.prefix] = source_class()
    return source_class


def sources() -> dict[str, Source]:
    return dict(_sources)


def key_for(instance) -> str:
    """The key of an object whose model a source reads."""
    for source in _sources.values():
        if source.model is not None and isinstance(instance, source.model):
            return key(source.prefix, instance.pk)
    raise LookupError(f"No search source reads {type(instance).__name__} objects.")


def key(prefix: str, pk) -> str:
    return f"{prefix}:{pk}"


def split_key(value: str) -> tuple[str, str]:
    prefix, _, pk = value.partition(":")
    return prefix, pk


def documents_for(keys: Iterable[str]) -> dict[str, list[Document]]:
    """Current documents for each key, asked of each source once."""
    by_prefix: dict[str, list[str]] = {}
    for value in keys:
        prefix, pk = split_key(value)
        if prefix in _sources:
            by_prefix.setdefault(prefix, []).append(pk)
    found: dict[str, list[Document]] = {}
    for prefix, pks in by_prefix.items():
        for pk, documents in _sources[prefix].documents(pks).items():
            found[key(prefix, pk)] = documents
        for pk in pks:
            found.setdefault(key(prefix, pk), [])
    return found


def all_keys() -> Iterator[str]:
    for prefix, source in _sources.items():
        for pk in source.all_pks():
            yield key(prefix, pk)
