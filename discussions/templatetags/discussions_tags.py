from functools import lru_cache

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from core.models import Sector

from ..models import Channel, ResponseStatus
from ..selectors import rows_of

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


#: The actions a contribution links or posts to, each ``discussions:<name>`` with its pk.
CONTRIBUTION_ACTIONS = ("react", "reply", "edit", "withdraw", "flag")


@register.filter
def thread_rows(nodes, listed=True):
    """The nodes of a list of threads, flattened for one pass of the template."""
    return rows_of(list(nodes), listed=listed)


@register.filter
def fragment_rows(node):
    """One contribution on its own (a live fragment): its ``<article>``, not in a list."""
    return rows_of([node], listed=False)


@register.simple_tag(takes_context=True)
def contribution_words(context) -> dict:
    """What every contribution of a list says alike, in the reader's language, worked out
    once per list rather than once per contribution: the words, the labels of sectors,
    channels and responses, the action URLs around the contribution's number, the CSRF
    field (none for a rendering without a request, such as the public thread list)."""
    language, prefix = get_language(), get_script_prefix()
    return {
        "official_reply": _("Official reply"),
        "edited": _("edited"),
        "on_a_section": _("On a section of the commitment"),
        "withdrawn": _("The author withdrew this contribution."),
        "removed": _("Removed by moderation."),
        "reason": _("Reason:"),
        "only_you": _("Only you can see this: it awaits review by a moderator."),
        "hidden_for_review": _("Hidden while moderators review it."),
        "government_response": _("Government response"),
        "support": pgettext("reaction", "Support"),
        "disagree": pgettext("reaction", "Disagree"),
        "reply": _("Reply"),
        "edit": _("Edit"),
        "withdraw": _("Withdraw"),
        "report": _("Report"),
        "follow_thread": _("Follow this thread"),
        "stop_following_thread": _("Stop following this thread"),
        "received_by": {value: _("Received by: %(channel)s") % {"channel": label} for value, label in Channel.choices},
        "sectors": {value: str(label) for value, label in Sector.choices},
        "responses": {value: str(label) for value, label in ResponseStatus.choices},
        "urls": {name: _action_url_parts(name, language, prefix) for name in CONTRIBUTION_ACTIONS},
        "follow_url": reverse("discussions:follow"),
        "csrf_field": CsrfTokenNode().render(context) if context.get("csrf_token") else "",
    }
