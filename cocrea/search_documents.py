"""Facets on the shared vocabulary this app owns: sectors and provinces (loaded by the
search app)."""

from django.utils.translation import gettext_lazy as _

from search import facets

from .models import Sector, Territory


def territory_labels(slugs: list[str]) -> dict[str, str]:
    return dict(Territory.objects.filter(slug__in=slugs).values_list("slug", "name"))


facets.register(
    facets.Facet(
        field="territories",
        parameter="territory",
        title=_("Province"),
        labels=territory_labels,
        order=40,
    )
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
