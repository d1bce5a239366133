from django import template

from ..video import format_seconds

register = template.Library()


@register.simple_tag
def hearing_url(hearing, route: str, *args) -> str:
    """The address of one of the hearing's own pages (``hearings.page_urls``), without a
    request: live fragments are rendered after the commit, outside any request."""
    return hearing.get_url() + hearing.reverse_subpage(route, args=args)


@register.filter
def video_time(seconds) -> str:
    return format_seconds(seconds)


@register.simple_tag
def video_at(hearing, seconds) -> str:
    """The recording's link at ``seconds``, or ""."""
    recording = hearing.recording
    return recording.at(seconds) if recording else ""
