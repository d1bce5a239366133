from django import template

from ..video import format_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def hearing_url(context, hearing, route: str, *args) -> str:
    """The address of one of the hearing's own pages (``hearings.page_urls``), in the
    reader's language when there is a request; live fragments, rendered after the commit
    outside any request, get the hearing's own."""
    return hearing.get_url(context.get("request")) + hearing.reverse_subpage(route, args=args)


@register.filter
def video_time(seconds) -> str:
    return format_seconds(seconds)


@register.simple_tag
def video_at(hearing, seconds) -> str:
    """The recording's link at ``seconds``, or ""."""
    recording = hearing.recording
    return recording.at(seconds) if recording else ""
