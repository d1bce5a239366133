"""Template filters every app's pages use."""

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_attr(value) -> str:
    """A date-time as the ``datetime`` attribute of ``<time>`` takes it: ISO 8601 to the
    second, in Lima time with its offset. HTML allows at most three digits of a second's
    fraction, so Django's ``date:'c'`` (microseconds) is not valid there."""
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
