"""The facets that belong to search itself: the type of document and its year."""

from django.utils.translation import gettext_lazy as _

from . import facets
from .documents import KINDS

facets.register(
    facets.Facet(
        field="kind",
        parameter="kind",
        title=_("Type"),
        labels=facets.choices_labeller(KINDS.items),
        order=10,
    )
)
facets.register(
    facets.Facet(
        field="year",
        parameter="year",
        title=_("Year"),
        labels=facets.same_labeller,
        validate=lambda value: value.isdigit() and len(value) == 4,
        order=90,
        newest_first=True,
    )
)
