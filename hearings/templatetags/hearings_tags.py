from django import template
from django.utils import translation

from core.pages import with_language

from ..video import format_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def hearing_url(context, hearing, route: str, *args) -> str:
    """The address of one of the hearing's own pages (``hearings.page_urls``) in the
    reader's language: the request's, or, for live fragments rendered after the commit
    outside any request (once per language), the language being rendered."""
    request = context.get("request")
    url = hearing.get_url(request) + hearing.reverse_subpage(route, args=args)
    return url if request is not None else with_language(url, translation.get_language())


@register.filter
def video_time(seconds) -> str:
    return format_seconds(seconds)


@register.simple_tag
def video_at(hearing, seconds) -> str:
    """The recording's link at ``seconds``, or ""."""
    recording = hearing.recording
    return recording.at(seconds) if recording else ""
