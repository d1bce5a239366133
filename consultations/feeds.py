"""RSS, Atom and iCalendar feeds of consultation windows, so people can subscribe."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Event
from wagtail.models import Locale

from core.feeds import PageFeed, atom, calendar_response

from .selectors import consultations_for_feeds


def _window(page) -> str:
    opens = formats.date_format(timezone.localtime(page.opens_at), "DATETIME_FORMAT")
    closes = formats.date_format(timezone.localtime(page.closes_at), "DATETIME_FORMAT")
    return _("Open for comments from %(opens)s to %(closes)s (Lima time).") % {"opens": opens, "closes": closes}


class ConsultationsFeed(PageFeed):
    start_field = "opens_at"

    def title(self):
        return _("Public consultations")

    def description(self):
        return _("Draft commitments open, or about to open, for public comment.")

    def pages(self, locale):
        return consultations_for_feeds(locale)

    def item_description(self, item):
        return f"{item.summary}\n\n{_window(item)}"

    def item_categories(self, item):
        return [territory.name for territory in item.territories.all()]


ConsultationsAtomFeed = atom(ConsultationsFeed)


def _event(page, request) -> Event:
    event = Event()
    event.add("uid", f"consultation-{page.translation_key}@{request.get_host()}")
    event.add("summary", _("Consultation: %(title)s") % {"title": page.title})
    event.add("dtstart", page.opens_at)
    event.add("dtend", page.closes_at)
    event.add("dtstamp", page.last_published_at or page.opens_at)
    event.add("url", page.get_full_url(request))
    event.add("description", f"{page.summary}\n\n{page.get_full_url(request)}")
    if page.plan:
        event.add("categories", [page.plan.title])
    return event


def consultations_calendar(request):
    """Each consultation window as an iCalendar event, for calendar subscriptions."""
    pages = consultations_for_feeds(Locale.get_active(), limit=200)
    return calendar_response(
        name=_("Public consultations"),
        product="Consultas públicas",
        filename="consultas.ics",
        events=(_event(page, request) for page in pages),
    )
