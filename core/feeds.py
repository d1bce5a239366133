"""What every feed of pages shares: RSS and Atom whose links are absolute for the host
asked, and an iCalendar file of events. Each app gives its pages, words and events."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar
from wagtail.models import Locale


class PageFeed(Feed):
    """The pages ``pages(locale)`` gives, newest first, in the reader's language.

    One instance serves every request: nothing request-specific may be stored on it.
    The "object" of the feed is the request, so links are absolute for the host asked
    (the sites framework's single Site would otherwise name one domain for all)."""

    #: The page's field its dates fall back to before it was first published.
    start_field = "first_published_at"

    def pages(self, locale: Locale) -> list:
        raise NotImplementedError

    def get_object(self, request, *args, **kwargs):
        return request

    def link(self, request):
        return request.build_absolute_uri(f"/{translation.get_language()}/")

    def feed_url(self, request):
        return request.build_absolute_uri()

    def items(self, request):
        items = self.pages(Locale.get_active())
        for item in items:
            item.absolute_url = request.build_absolute_uri(item.get_url(request))
        return items

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.first_published_at or getattr(item, self.start_field)

    def item_updateddate(self, item):
        return item.last_published_at or getattr(item, self.start_field)


def atom(feed: type[PageFeed]) -> type[PageFeed]:
    """The same feed as Atom."""
    return type(f"{feed.__name__}Atom", (feed,), {"feed_type": Atom1Feed, "subtitle": feed.description})


def calendar_response(*, name: str, product: str, filename: str, events) -> HttpResponse:
    """An iCalendar file of ``events`` (icalendar ``Event``s) in Lima time, to subscribe to."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Cocrea//{product}//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/Lima")
    for event in events:
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
