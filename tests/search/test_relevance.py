"""Relevance on real Spanish text: 589 Decide Madrid comments, imported with the import
command, found without accents, in the other grammatical number, or with a typo."""

import io
import re

import pytest
from django.core.management import call_command

from discussions.importing import import_prefix
from discussions.models import Contribution
from search import query
from search import text as analysis
from tests import decide_madrid
from tests.search.conftest import index_now

pytestmark = pytest.mark.skipif(not decide_madrid.available(), reason="the Decide Madrid sample is missing")


def _import(consultation, tmp_path) -> dict[int, str]:
    rows = decide_madrid.proposal_rows()
    path = tmp_path / "madrid.csv"
    path.write_text(decide_madrid.as_csv(rows).getvalue(), encoding="utf-8")
    call_command("import_contributions", str(consultation.pk), str(path), "--skip-invalid", stdout=io.StringIO())
    prefix = import_prefix(consultation)
    texts = {row["ref"]: row["text"] for row in rows}
    return {
        pk: texts[ref.removeprefix(prefix)]
        for pk, ref in Contribution.norel_objects.filter(import_ref__startswith=prefix).values_list("pk", "import_ref")
    }


def _found(text: str) -> list[int]:
    """Contribution ids the service returns for ``text``, best first (every page)."""
    found, page = [], 1
    while True:
        results = query.search({"q": [text], "kind": ["contribution"], "page": [str(page)]}, per_page=50)
        found += [int(hit.url.rsplit("#c", 1)[1]) for hit in results.hits]
        if page >= results.pages:
            return found
        page += 1


def _containing(texts: dict[int, str], pattern: str) -> set[int]:
    expression = re.compile(pattern)
    return {pk for pk, text in texts.items() if expression.search(analysis.fold(text))}


# (what is typed, the words it must find, the word family its best hits must contain)
CASES = [
    ("semaforos", r"\bsemaforos?\b", r"\bsemaforo"),  # no accent
    ("vehiculo", r"\bvehiculos?\b", r"\bvehicul"),  # singular finds plural, no accent
    ("VEHÍCULOS", r"\bvehiculos?\b", r"\bvehicul"),  # capitals, plural finds singular
    ("contaminasion", r"\bcontaminacion\b", r"\bcontamin"),  # a typo
    ("circualcion", r"\bcirculacion\b", r"\bcircula"),  # two letters swapped
    ("amsterdam", r"\bamsterdam\b", r"\bamsterdam"),  # Ámsterdam
]


def test_real_comments_are_found_by_their_words_whatever_the_spelling_or_by_a_phrase(engine, consultation, tmp_path):
    texts = _import(consultation, tmp_path)
    assert len(texts) > 580
    index_now()
    for typed, pattern, family in CASES:
        expected = _containing(texts, pattern)
        related = _containing(texts, family)
        assert expected, pattern
        found = _found(typed)
        missing = expected - set(found)
        assert not missing, f"{typed!r}: {len(missing)} of {len(expected)} contributions not found"
        top = found[: min(5, len(expected))]
        assert all(pk in related for pk in top), f"{typed!r}: a top hit does not contain {family}"
    _assert_a_phrase_finds_the_comment_it_comes_from_first(texts)


def _assert_a_phrase_finds_the_comment_it_comes_from_first(texts: dict[int, str]) -> None:
    stems = {pk: f" {' '.join(analysis.terms(text))} " for pk, text in texts.items()}

    def unique_phrase(pk: int) -> str | None:
        """Five words of the comment whose stems, in order, no other comment has."""
        words = texts[pk].split()[10:15]
        phrase = f" {' '.join(analysis.terms(' '.join(words)))} "
        others = [other for other, text in stems.items() if phrase in text and other != pk]
        return " ".join(words) if len(words) == 5 and len(phrase.split()) >= 3 and not others else None

    pk, phrase = next((pk, unique_phrase(pk)) for pk in sorted(texts) if unique_phrase(pk))
    found = _found(f'"{phrase}"')
    assert found and found[0] == pk
