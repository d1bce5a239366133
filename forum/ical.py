"""The forum's meetings as an iCalendar feed, for people's calendars."""

from datetime import timedelta

from django.utils.html import strip_tags
from icalendar import Calendar, Event

from .models import ForumPage
from .selectors import meetings_of

DEFAULT_LENGTH = timedelta(hours=2)


def meetings_ical(forum: ForumPage, request) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Cocrea//Foro multiactor//ES")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", forum.title)
    for meeting in meetings_of(forum):
        event = Event()
        event.add("uid", f"forum-meeting-{meeting.pk}@{request.get_host()}")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH)
        event.add("dtstamp", meeting.last_published_at or meeting.starts_at)
        if meeting.place:
            event.add("location", meeting.place)
        url = request.build_absolute_uri(meeting.get_url(request))
        event.add("url", url)
        agenda = " ".join(strip_tags(meeting.agenda.replace("</p>", "</p> ").replace("</li>", "</li> ")).split())
        description = "\n".join(filter(None, [agenda, meeting.online_url, url]))
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
