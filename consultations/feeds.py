"""RSS, Atom and iCalendar feeds of consultation windows, so people can subscribe."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from wagtail.models import Locale

from .selectors import consultations_for_feeds


def _window(page) -> str:
    opens = formats.date_format(timezone.localtime(page.opens_at), "DATETIME_FORMAT")
    closes = formats.date_format(timezone.localtime(page.closes_at), "DATETIME_FORMAT")
    return _("Open for comments from %(opens)s to %(closes)s (Lima time).") % {"opens": opens, "closes": closes}


class ConsultationsFeed(Feed):
    # One instance serves every request: nothing request-specific may be stored on it.
    # The "object" of the feed is the request, so links are absolute for the host asked
    # (the sites framework's single Site would otherwise name one domain for all).
    def get_object(self, request, *args, **kwargs):
        return request

    def title(self):
        return _("Public consultations")

    def description(self):
        return _("Draft commitments open, or about to open, for public comment.")

    def link(self, request):
        return request.build_absolute_uri(f"/{translation.get_language()}/")

    def feed_url(self, request):
        return request.build_absolute_uri()

    def items(self, request):
        items = consultations_for_feeds(Locale.get_active())
        for item in items:
            item.absolute_url = request.build_absolute_uri(item.get_url(request))
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.summary}\n\n{_window(item)}"

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.first_published_at or item.opens_at

    def item_updateddate(self, item):
        return item.last_published_at or item.opens_at

    def item_categories(self, item):
        return [territory.name for territory in item.territories.all()]


class ConsultationsAtomFeed(ConsultationsFeed):
    feed_type = Atom1Feed
    subtitle = ConsultationsFeed.description


def consultations_calendar(request):
    """Each consultation window as an iCalendar event, for calendar subscriptions."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cocrea//Consultas públicas//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Public consultations"))
    calendar.add("x-wr-timezone", "America/Lima")
    for page in consultations_for_feeds(Locale.get_active(), limit=200):
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
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="consultas.ics"'
    return response
