"""The Markdown participants write, rendered to HTML that cannot carry script.

A small subset: paragraphs, line breaks, emphasis, lists and links. Raw HTML is shown as
text (markdown-it escapes it), then nh3 keeps only the tags the subset produces, so even
a rendering bug cannot let markup through. Links open nothing and get ``nofollow ugc``.
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"breaks": True, "linkify": False}).enable(
    ["emphasis", "list", "link", "newline", "escape", "backticks"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc",
    ).strip()
