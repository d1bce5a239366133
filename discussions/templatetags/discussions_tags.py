from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    """``mapping[key]``, or an empty string: ``{{ counts|lookup:anchor|default:0 }}``."""
    return (mapping or {}).get(key or "", "")


@register.filter
def in_set(value, collection) -> bool:
    return value in (collection or ())


#: Stands for the contribution's number while a URL pattern is reversed once.
_PK = 987654321


@lru_cache(maxsize=64)
def _action_url_parts(name: str, language: str | None, script_prefix: str) -> tuple[str, str]:
    head, _, tail = reverse(f"discussions:{name}", args=[_PK]).partition(str(_PK))
    return head, tail


@register.simple_tag
def action_url(name: str, pk) -> str:
    """``{% url 'discussions:<name>' pk %}``, reversed once per language: a page shows up
    to hundreds of contributions, each with several actions."""
    head, tail = _action_url_parts(name, get_language(), get_script_prefix())
    return f"{head}{int(pk)}{tail}"


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
