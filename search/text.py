"""Spanish-first text analysis for the database engine, in Python.

The database implementation cannot rely on PostgreSQL's ``unaccent`` extension (it needs
a superuser) nor on SQLite having a Spanish stemmer, so both store and query the same
token stream made here: lower-cased, accents folded, Spanish stop words dropped, and
Snowball's Spanish stemmer applied. OpenSearch does the equivalent with its analyzers.
"""

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

#: Words too common to find anything with (Snowball's Spanish list, accents folded).
_STOP_WORDS_TEXT = """
    a al algo algunas algunos ante antes como con contra cual cuando de del desde donde
    durante e el ella ellas ellos en entre era erais eran eras eres es esa esas ese eso
    esos esta estaba estado estais estamos estan estar estas este esto estos estoy fue
    fueron fui fuimos ha habia hasta hay la las le les lo los mas me mi mis mucho muchos
    muy nada ni no nos nosotros o os otra otras otro otros para pero poco por porque que
    quien quienes se sea sean ser si sido sin sobre son su sus tambien tanto te tiene
    tienen todo todos tu tus un una uno unos usted ustedes vosotros y ya yo
    """
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

#: Words (not counting stop words) at the start of a text that say what it is about:
#: more than any Decide Madrid proposal's title has (nine at most, five usually).
LEAD_WORDS = 10
#: Longest token kept: longer runs are URLs or noise, not words anyone searches for.
MAX_TOKEN_LENGTH = 40
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
#: Snowball's stemmers keep the word being stemmed in the object: one per thread, since
#: requests (and the indexing worker's threads) stem at the same time.
_stemmers = threading.local()


def fold(text: str) -> str:
    """Lower-case and strip accents (``Acción`` → ``accion``); ``ñ`` becomes ``n`` too."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included, in order."""
    return [token for token in _TOKEN.findall(fold(text)) if len(token) <= MAX_TOKEN_LENGTH]


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The stem of one folded word (``presupuestos`` → ``presupuest``)."""
    if word.isdigit():
        return word
    stemmer = getattr(_stemmers, "spanish", None)
    if stemmer is None:
        stemmer = _stemmers.spanish = snowballstemmer.stemmer("spanish")
    return stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """The searchable terms of a text: folded, stemmed, without stop words, in order."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def words_required(count: int) -> int:
    """Of ``count`` words searched for, how many a document must contain: all of one or
    two, all but one from three on."""
    return count if count < 3 else count - 1


def lead(text: str) -> list[str]:
    """The terms of a text's first ``LEAD_WORDS`` words, stop words not counted."""
    return terms(text)[:LEAD_WORDS]


def vocabulary(text: str) -> set[str]:
    """Words worth suggesting ("did you mean") or matching with a typo: not stop words,
    not numbers, at least three letters."""
    return {word for word in words(text) if len(word) >= 3 and not word.isdigit() and word not in STOP_WORDS}


def within_one_edit(left: str, right: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns one
    word into the other (Damerau's distance ≤ 1), as OpenSearch's ``fuzziness`` counts."""
    if left == right:
        return True
    if abs(len(left) - len(right)) > 1:
        return False
    if len(left) > len(right):
        left, right = right, left
    index = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), len(left))
    if len(left) < len(right):
        return left[index:] == right[index + 1 :]
    if left[index + 1 :] == right[index + 1 :]:
        return True
    swapped = index + 1 < len(left) and left[index] == right[index + 1] and left[index + 1] == right[index]
    return swapped and left[index + 2 :] == right[index + 2 :]


def edit_distance(left: str, right: str, limit: int = 3) -> int:
    """Damerau–Levenshtein distance (optimal string alignment), capped at ``limit``."""
    if abs(len(left) - len(right)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, start=1):
        current = [i] + [0] * len(right)
        for j, b in enumerate(right, start=1):
            cost = 0 if a == b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)
