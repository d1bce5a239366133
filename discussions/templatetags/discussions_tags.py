from django import template
from django.urls import reverse
from django.utils.http import urlencode

from discussions import services

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    """``mapping[key]``, or an empty string: ``{{ counts|lookup:anchor|default:0 }}``."""
    return (mapping or {}).get(key or "", "")


@register.filter
def in_set(value, collection) -> bool:
    return value in (collection or ())


@register.simple_tag(takes_context=True)
def can_edit(context, contribution) -> bool:
    return services.can_edit(contribution, context["request"].user, context.get("now"))


@register.simple_tag(takes_context=True)
def discussion_query(context, **changes) -> str:
    """The current page's query string with some parameters changed (and the page reset)."""
    query = context["request"].GET.copy()
    query.pop("pagina", None)
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}" if query else "?"


@register.simple_tag(takes_context=True)
def login_url(context) -> str:
    request = context["request"]
    return f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
