"""Snippets with the matching words marked, for the database engine (OpenSearch makes
its own). The text is escaped first: only our ``<mark>`` tags are HTML."""

import re

from django.utils.html import escape

from . import text as analysis

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _matches(value: str, stems: set[str]) -> list[tuple[int, int]]:
    spans = []
    for match in _WORD.finditer(value):
        word = analysis.fold(match.group())
        if word not in analysis.STOP_WORDS and analysis.stem(word) in stems:
            spans.append(match.span())
    return spans


def _marked(value: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts, position = [], start
    for left, right in spans:
        if right <= start or left >= end:
            continue
        parts.append(escape(value[position:left]))
        parts.append(f"<mark>{escape(value[left:right])}</mark>")
        position = right
    parts.append(escape(value[position:end]))
    return "".join(parts)


def mark(value: str, stems: set[str]) -> str:
    """The whole value, escaped, with matching words marked."""
    return _marked(value, _matches(value, stems) if stems else [], 0, len(value))


def snippet(value: str, stems: set[str], size: int = 200) -> str:
    """About ``size`` characters around the first match (the opening when none),
    cut at word boundaries, with "…" where text was left out."""
    spans = _matches(value, stems) if stems else []
    if len(value) <= size:
        return _marked(value, spans, 0, len(value))
    first = spans[0][0] if spans else 0
    start = max(0, first - size // 4)
    if start:
        space = value.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(value), start + size)
    if end < len(value):
        space = value.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "… " if start else ""
    suffix = " …" if end < len(value) else ""
    return prefix + _marked(value, spans, start, end) + suffix
