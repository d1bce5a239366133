"""RSS, Atom and iCalendar feeds of the public hearings, from their announcement on
(their publication: an editor may schedule it with Wagtail's "go live" date)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Event
from wagtail.models import Locale

from core.feeds import PageFeed, atom, calendar_response

from .selectors import hearings_for_feeds


def when_and_where(page) -> str:
    starts = formats.date_format(timezone.localtime(page.starts_at), "DATETIME_FORMAT")
    text = _("%(starts)s (Lima time)") % {"starts": starts}
    place = ", ".join(filter(None, [page.place_name, page.address]))
    return f"{text}. {place}" if place else text


class HearingsFeed(PageFeed):
    start_field = "starts_at"

    def title(self):
        return _("Public hearings")

    def description(self):
        return _("Public accountability hearings of the regional government: when, where, and how to ask.")

    def pages(self, locale):
        return hearings_for_feeds(locale)

    def item_description(self, item):
        return f"{item.summary}\n\n{when_and_where(item)}"


HearingsAtomFeed = atom(HearingsFeed)


def _event(page, request) -> Event:
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
    return event


def hearings_calendar(request):
    """Each announced hearing as an event, for calendar subscriptions."""
    pages = hearings_for_feeds(Locale.get_active(), limit=200)
    return calendar_response(
        name=_("Public hearings"),
        product="Audiencias públicas",
        filename="audiencias.ics",
        events=(_event(page, request) for page in pages),
    )
