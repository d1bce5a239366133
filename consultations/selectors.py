"""Reads for the public pages. Only live, public pages are ever returned."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Locale, Page

from core.models import Territory
from core.pages import children_in_language, in_language
from discussions.selectors import published_counts

from .models import ActionPlanPage, ConsultationPage, ConsultationState, PlanIndexPage

RECENTLY_CLOSED_DAYS = 90


def public_consultations() -> QuerySet[ConsultationPage]:
    return ConsultationPage.objects.live().public()


def _in_locale(pages: QuerySet, locale: Locale, *, rows: int | None = None) -> list:
    """Pages in ``locale``, falling back to the default language where no translation exists.

    ``rows`` caps how many rows are read, in the queryset's order.
    """
    return in_language(pages.filter(locale__in={locale.pk, Locale.get_default().pk})[:rows], locale)


def _for_cards(consultations: list[ConsultationPage]) -> list[ConsultationPage]:
    """Set what a card shows besides the page's own fields, with four queries for all of them.

    ``plan``: the parent plan. ``covers_all_territories``: whether its territories are all
    the territories there are (the card then says so instead of listing them).
    ``contribution_count``: published contributions, counted on the original of a
    translation, whose discussion translations share.
    """
    parent_paths = {page.path[: -Page.steplen] for page in consultations}
    plans = {plan.path: plan for plan in ActionPlanPage.objects.filter(path__in=parent_paths)}
    territory_count = Territory.objects.count()
    originals = dict(
        ConsultationPage.objects.filter(
            translation_key__in={page.translation_key for page in consultations}, locale=Locale.get_default()
        ).values_list("translation_key", "pk")
    )
    counts = published_counts(ConsultationPage, originals.values())
    for page in consultations:
        page.plan = plans.get(page.path[: -Page.steplen])
        page.covers_all_territories = len(page.territories.all()) == territory_count
        page.contribution_count = counts.get(str(originals.get(page.translation_key, page.pk)), 0)
    return consultations


@dataclass
class HomeConsultations:
    open: list[ConsultationPage]
    upcoming: list[ConsultationPage]
    recently_closed: list[ConsultationPage]


def consultations_for_home(locale: Locale, now: datetime | None = None) -> HomeConsultations:
    """Open ones closing soonest first, upcoming ones opening soonest first, recently closed ones."""
    now = now or timezone.now()
    pages = (
        public_consultations()
        .filter(closes_at__gte=now - timedelta(days=RECENTLY_CLOSED_DAYS))
        .prefetch_related("territories")
    )
    by_state: dict[ConsultationState, list[ConsultationPage]] = {state: [] for state in ConsultationState}
    for page in _for_cards(_in_locale(pages, locale)):
        by_state[page.state_at(now)].append(page)
    return HomeConsultations(
        open=sorted(by_state[ConsultationState.OPEN], key=lambda page: page.closes_at),
        upcoming=sorted(by_state[ConsultationState.UPCOMING], key=lambda page: page.opens_at),
        recently_closed=sorted(by_state[ConsultationState.CLOSED], key=lambda page: page.closes_at, reverse=True),
    )


def consultations_for_feeds(locale: Locale, limit: int = 50) -> list[ConsultationPage]:
    """The most recently opening consultations, for the RSS, Atom and iCalendar feeds."""
    pages = public_consultations().order_by("-opens_at").prefetch_related("territories")
    # A consultation has at most two rows here (its language and the default), so twice
    # the limit is always enough rows.
    consultations = sorted(_in_locale(pages, locale, rows=2 * limit), key=lambda page: page.opens_at, reverse=True)
    return _for_cards(consultations[:limit])


def plan_index_of(home: Page) -> PlanIndexPage | None:
    """The plan index under this home page, or its original's until it is translated."""
    indexes = children_in_language(home, PlanIndexPage.objects.live().public().order_by("path"))
    return indexes[0] if indexes else None
