"""What people type into the search box, read forgivingly.

Supported: words (all must match, each may carry one typo when long enough), quoted
phrases (``"presupuesto participativo"``), and ``-palabra`` to leave a word out.
Everything else is text: there is no syntax to get wrong, so no query is an error.
Unbalanced quotes close at the end; lone operators, punctuation and emoji are ignored;
control characters are dropped; an over-long query is cut, and the reader is told.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from . import text as analysis

MAX_QUERY_LENGTH = 300
MAX_PARTS = 24
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})


@dataclass
class ParsedQuery:
    raw: str
    words: list[str] = field(default_factory=list)  # as typed, one word each
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)

    def replaced(self, corrections: dict[str, str]) -> str:
        """The query text with some words replaced (or dropped, when replaced by ""):
        a "did you mean" proposal."""
        parts = [corrections.get(analysis.fold(word), word) for word in self.words]
        parts = [part for part in parts if part]  # "" drops a word nothing resembles
        parts += [f'"{phrase}"' for phrase in self.phrases]
        parts += [f"-{word}" for word in self.excluded]
        return " ".join(parts)


def _clean(value: str) -> str:
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "C":  # control, format, unassigned, private use, surrogate
            kept.append(" ")
        else:
            kept.append(char)
    return "".join(kept).translate(_QUOTES)


def _word_parts(chunk: str) -> list[str]:
    """Words of a chunk as the tokenizer sees them; punctuation and emoji fall away."""
    return [part for part in re.findall(r"[^\W_]+", chunk) if len(part) <= analysis.MAX_TOKEN_LENGTH]


def parse(value: str | None) -> ParsedQuery:
    raw = _clean(value or "").strip()
    truncated = len(raw) > MAX_QUERY_LENGTH
    raw = raw[:MAX_QUERY_LENGTH]
    query = ParsedQuery(raw=raw, truncated=truncated)
    segments = raw.split('"')
    for position, segment in enumerate(segments):
        if position % 2:  # inside quotes (an unbalanced quote runs to the end)
            phrase_words = _word_parts(segment)
            if len(phrase_words) > 1:
                query.phrases.append(" ".join(phrase_words))
            else:
                query.words.extend(phrase_words)
            continue
        for chunk in segment.split():
            if chunk.startswith("-") and len(chunk) > 1:
                query.excluded.extend(_word_parts(chunk[1:]))
            else:
                query.words.extend(_word_parts(chunk))
    query.words = _unique(query.words)[:MAX_PARTS]
    query.phrases = _unique(query.phrases)[:MAX_PARTS]
    query.excluded = _unique(query.excluded)[:MAX_PARTS]
    return query


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        folded = analysis.fold(value)
        if folded not in seen:
            seen.add(folded)
            kept.append(value)
    return kept
