from html import unescape

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from wagtail.models import Page

from core.links import absolute_url
from core.pages import locale_id_for

register = template.Library()


def _page_address(page: Page, request, language: str) -> str:
    """``page``'s address for a reader of ``language``: its translation, or itself under
    that language's prefix (see core.pages.ReadersLanguageMixin)."""
    with translation.override(language):
        return page.get_url(request) or ""


def language_links(request, page) -> list[dict]:
    """For each language, where this address leads: the same page (or the same route below
    it: statistics, a forum topic) in that language, with the query string kept."""
    current = translation.get_language()
    full_path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = ""
        if isinstance(page, Page):
            own = _page_address(page, request, current)
            if own and request.path.startswith(own):
                base = _page_address(page, request, code)
                if base.startswith(f"/{code}/"):
                    url = base + full_path[len(own) :]
        if not url:
            url = translate_url(full_path, code)
            if code != current and not url.startswith(f"/{code}/"):
                url = f"/{code}/"
        links.append({"code": code, "name": name, "url": url, "is_current": code == current})
    return links


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """One link per language: the page in that language (its translation, or the page
    itself with the interface in that language), never an address that does not exist."""
    return {"links": language_links(context["request"], context.get("page"))}


@register.simple_tag(takes_context=True)
def alternate_language_links(context):
    """``<link rel="alternate" hreflang>`` for each other language's version of this page."""
    links = [link for link in language_links(context["request"], context.get("page")) if not link["is_current"]]
    return format_html_join(
        "",
        '<link rel="alternate" hreflang="{}" href="{}">',
        ((link["code"], absolute_url(link["url"])) for link in links),
    )


@register.simple_tag(takes_context=True)
def content_language(context, page) -> str:
    """``{% content_language page as text_lang %}``: the language of ``page``'s own text
    when it differs from the interface's (a page not translated yet, read in another
    language), else "". One query per request for the usual case, none per page."""
    request = context.get("request")
    if not isinstance(page, Page) or request is None:
        return ""
    if page.locale_id == locale_id_for(translation.get_language(), request):
        return ""
    return page.locale.language_code


@register.simple_tag
def page_summary(*texts) -> str:
    """The first of ``texts`` (plain or rich text) with words in it, as plain text of at
    most 160 characters: what a meta description or a shared link's card shows."""
    for text in texts:
        plain = " ".join(unescape(strip_tags(str(text or ""))).split())
        if plain:
            return Truncator(plain).chars(160)
    return ""


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Rendered (and so escaped) already: kept as it is, used twice.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: render once, use twice — a page's title
    in ``<title>`` and in its Open Graph card."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag
def absolute_static(path: str) -> str:
    """A static file's full address on ``SITE_URL`` (an Open Graph image must be absolute)."""
    return absolute_url(static(path))


@register.simple_tag(takes_context=True)
def absolute_here(context) -> str:
    """This page's full address on ``SITE_URL``."""
    return absolute_url(context["request"].get_full_path())
