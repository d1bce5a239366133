"""The facets search offers, registered by the apps that own their vocabulary.

A facet is a document field one can filter on, with a count per value. The search app
knows no domain model: each app declares its facets in its ``search_documents.py``
(plans and OGP values in ``consultations``, government responses and channels in
``discussions``, …), saying which document field holds the values, the request
parameter that selects them, a title, how to label values in the reader's language,
which values are valid, and where the facet sits in the sidebar. Both engines filter and
count every registered facet, and the query service labels them, so a new host (a
participatory budget, a public hearing) adds facets without changing this app: values
of fields the document does not have travel in ``Document.facets``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from .documents import READERS

Labeller = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True)
class Facet:
    #: The document field (``territories``), or a key of ``Document.facets``.
    field: str
    #: The request parameter (``territory``): a query string's name, stable across releases.
    parameter: str
    title: str | Promise
    #: Labels of these values in the active language; a value left out is unknown.
    labels: Labeller
    #: Sidebar position, lowest first.
    order: int
    #: Whether a selected value is valid. Default: the labeller knows it.
    validate: Callable[[str], bool] | None = None
    #: Values by count (most first), or by value, last first (years).
    newest_first: bool = False

    def valid(self, values: list[str]) -> list[str]:
        """The valid values among these, in order."""
        if self.validate is not None:
            return [value for value in values if self.validate(value)]
        known = self.labels(values) if values else {}
        return [value for value in values if value in known]


_facets: dict[str, Facet] = {}


def register(facet: Facet) -> Facet:
    """Add a facet (from an app's ``search_documents.py``); a field or parameter may be
    registered once."""
    if facet.field == READERS:
        raise ValueError(f"{READERS!r} is where engines keep a document's readers, not a facet.")
    for other in _facets.values():
        if other.field != facet.field and other.parameter == facet.parameter:
            raise ValueError(f"The parameter {facet.parameter!r} already selects the facet {other.field!r}.")
    _facets[facet.field] = facet
    return facet


def unregister(field: str) -> None:
    """Remove a facet (tests that register one of their own)."""
    _facets.pop(field, None)


def registered() -> list[Facet]:
    """Every facet, in sidebar order."""
    return sorted(_facets.values(), key=lambda facet: (facet.order, facet.field))


def get(field: str) -> Facet | None:
    return _facets.get(field)


def fields() -> list[str]:
    return [facet.field for facet in registered()]


def choices_labeller(choices: Callable[[], Iterable[tuple[str, object]]]) -> Labeller:
    """Labels from ``(code, label)`` pairs such as a ``TextChoices``' ``choices``; the
    pairs are read at each call, so lazy labels follow the active language."""

    def labels(values: list[str]) -> dict[str, str]:
        wanted = set(values)
        return {str(code): str(label) for code, label in choices() if str(code) in wanted}

    return labels


def same_labeller(values: list[str]) -> dict[str, str]:
    """A value is its own label (years)."""
    return {value: value for value in values}
