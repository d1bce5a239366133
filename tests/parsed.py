"""Rendered pages as parsed HTML, so that a test names the element it expects: a check on
the text of a card's title cannot pass on the same words sitting in a script, an
attribute, a comment or another part of the page."""

from bs4 import BeautifulSoup, Tag


def soup(response_or_html) -> BeautifulSoup:
    """A response's body (or a string of HTML), parsed."""
    markup = response_or_html if isinstance(response_or_html, str | bytes) else response_or_html.content
    return BeautifulSoup(markup, "html.parser")


def text(element: Tag | None) -> str:
    """What a reader sees of ``element``: its text, whitespace collapsed ("" for none)."""
    return " ".join(element.get_text(" ").split()) if element is not None else ""


def texts(page: BeautifulSoup | Tag, selector: str) -> list[str]:
    """The text of every element ``selector`` matches, in document order."""
    return [text(element) for element in page.select(selector)]
