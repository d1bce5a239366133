"""RSS, Atom and iCalendar feeds of the public hearings, from their announcement on
(their publication: an editor may schedule it with Wagtail's "go live" date)."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from wagtail.models import Locale

from .selectors import hearings_for_feeds


def when_and_where(page) -> str:
    starts = formats.date_format(timezone.localtime(page.starts_at), "DATETIME_FORMAT")
    text = _("%(starts)s (Lima time)") % {"starts": starts}
    place = ", ".join(filter(None, [page.place_name, page.address]))
    return f"{text}. {place}" if place else text


class HearingsFeed(Feed):
    # One instance serves every request: the "object" is the request, so that links are
    # absolute for the host asked (see consultations.feeds).
    def get_object(self, request, *args, **kwargs):
        return request

    def title(self):
        return _("Public hearings")

    def description(self):
        return _("Public accountability hearings of the regional government: when, where, and how to ask.")

    def link(self, request):
        return request.build_absolute_uri(f"/{translation.get_language()}/")

    def feed_url(self, request):
        return request.build_absolute_uri()

    def items(self, request):
        items = hearings_for_feeds(Locale.get_active())
        for item in items:
            item.absolute_url = request.build_absolute_uri(item.get_url(request))
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.summary}\n\n{when_and_where(item)}"

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.first_published_at or item.starts_at

    def item_updateddate(self, item):
        return item.last_published_at or item.starts_at


class HearingsAtomFeed(HearingsFeed):
    feed_type = Atom1Feed
    subtitle = HearingsFeed.description


def hearings_calendar(request):
    """Each announced hearing as an event, for calendar subscriptions."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cocrea//Audiencias públicas//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Public hearings"))
    calendar.add("x-wr-timezone", "America/Lima")
    for page in hearings_for_feeds(Locale.get_active(), limit=200):
        url = page.get_full_url(request)
        event = Event()
        event.add("uid", f"hearing-{page.translation_key}@{request.get_host()}")
        event.add("summary", _("Public hearing: %(title)s") % {"title": page.title})
        event.add("dtstart", page.starts_at)
        event.add("dtend", page.ends_at)
        event.add("dtstamp", page.last_published_at or page.starts_at)
        event.add("url", url)
        place = ", ".join(filter(None, [page.place_name, page.address]))
        if place:
            event.add("location", place)
        online = _("Online: %(url)s") % {"url": page.broadcast_url} if page.broadcast_url else ""
        radio = ", ".join(f"{station.name} {station.frequency}" for station in page.radio_stations.all())
        radio = _("On the radio: %(stations)s") % {"stations": radio} if radio else ""
        event.add("description", "\n\n".join(filter(None, [page.summary, online, radio, url])))
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="audiencias.ics"'
    return response
