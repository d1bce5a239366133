"""Reads for the public pages. Only live, public pages are ever returned."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Locale, Page

from .models import ActionPlanPage, ConsultationPage, PlanIndexPage

RECENTLY_CLOSED_DAYS = 90


def public_consultations() -> QuerySet[ConsultationPage]:
    return ConsultationPage.objects.live().public()


def _in_locale(pages: QuerySet, locale: Locale) -> list:
    """Pages in ``locale``, falling back to the default language where no translation exists."""
    default = Locale.get_default()
    chosen: dict = {}
    for page in pages.filter(locale__in={locale.pk, default.pk}):
        if page.translation_key not in chosen or page.locale_id == locale.pk:
            chosen[page.translation_key] = page
    return list(chosen.values())


def _attach_plans(consultations: list[ConsultationPage]) -> list[ConsultationPage]:
    """Set ``consultation.plan`` on each, with one query for all of them."""
    parent_paths = {page.path[: -Page.steplen] for page in consultations}
    plans = {plan.path: plan for plan in ActionPlanPage.objects.filter(path__in=parent_paths)}
    for page in consultations:
        page.plan = plans.get(page.path[: -Page.steplen])
    return consultations


@dataclass
class HomeConsultations:
    open: list[ConsultationPage]
    upcoming: list[ConsultationPage]
    recently_closed: list[ConsultationPage]


def consultations_for_home(locale: Locale, now: datetime | None = None) -> HomeConsultations:
    now = now or timezone.now()
    pages = public_consultations().prefetch_related("territories").order_by("closes_at")
    consultations = _attach_plans(_in_locale(pages, locale))
    open_ = sorted((c for c in consultations if c.opens_at <= now < c.closes_at), key=lambda c: c.closes_at)
    upcoming = sorted((c for c in consultations if now < c.opens_at), key=lambda c: c.opens_at)
    since = now - timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = sorted((c for c in consultations if since <= c.closes_at <= now), key=lambda c: c.closes_at, reverse=True)
    return HomeConsultations(open=open_, upcoming=upcoming, recently_closed=closed)


def consultations_of_plan(plan: ActionPlanPage) -> list[ConsultationPage]:
    pages = ConsultationPage.objects.child_of(plan).live().public().prefetch_related("territories")
    return list(pages.order_by("opens_at", "title"))


def plans_for_index(index_page: PlanIndexPage) -> list[ActionPlanPage]:
    return list(ActionPlanPage.objects.child_of(index_page).live().public().order_by("-period_start", "title"))


def consultations_for_feeds(locale: Locale, limit: int = 50) -> list[ConsultationPage]:
    """The most recently opening consultations, for the RSS, Atom and iCalendar feeds."""
    pages = public_consultations().prefetch_related("territories").order_by("-opens_at")
    consultations = sorted(_in_locale(pages, locale), key=lambda page: page.opens_at, reverse=True)
    return _attach_plans(consultations[:limit])


def plan_index_of(home: Page) -> PlanIndexPage | None:
    return PlanIndexPage.objects.child_of(home).live().public().first()
