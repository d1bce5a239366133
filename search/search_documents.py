"""The facets that belong to search itself — the type of document and its year — and those
of the shared vocabulary every app uses (``core``): sectors and provinces."""

from django.utils.translation import gettext_lazy as _

from core.models import Sector, Territory

from . import facets
from .documents import KINDS


def territory_labels(slugs: list[str]) -> dict[str, str]:
    return dict(Territory.objects.filter(slug__in=slugs).values_list("slug", "name"))


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
    facets.Facet(field="territories", parameter="territory", title=_("Province"), labels=territory_labels, order=40)
)
facets.register(
    facets.Facet(
        field="sector",
        parameter="sector",
        title=_("Sector"),
        labels=facets.choices_labeller(lambda: Sector.choices),
        order=50,
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
