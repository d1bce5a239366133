import pytest
import snowballstemmer

from search import parsing
from search import text as analysis


def test_folding_ignores_accents_and_capitals():
    assert analysis.fold("Acción CIUDADANA en Jaén") == "accion ciudadana en jaen"


def test_singular_and_plural_share_a_term_and_stop_words_are_dropped():
    assert analysis.terms("Los presupuestos participativos") == analysis.terms("presupuesto participativo")
    assert analysis.terms("de la y en") == []


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("presupuesto", "presupeusto", True),  # neighbours swapped
        ("presupuesto", "presupusto", True),  # a letter missing
        ("presupuesto", "presupuestos", True),  # a letter more
        ("presupuesto", "presapuesto", True),  # a letter changed
        ("presupuesto", "prseupeusto", False),  # two edits
    ],
)
def test_one_edit_is_recognised_as_openSearch_counts_it(left, right, expected):
    assert analysis.within_one_edit(left, right) is expected
    assert (analysis.edit_distance(left, right) <= 1) is expected


def test_phrases_words_and_exclusions_are_read():
    query = parsing.parse('"presupuesto participativo" Jaén -minería')
    assert query.phrases == ["presupuesto participativo"]
    assert query.words == ["Jaén"]
    assert query.excluded == ["minería"]


@pytest.mark.parametrize(
    ("typed", "words", "phrases"),
    [
        ('"presupuesto participativo', [], ["presupuesto participativo"]),  # unbalanced quote
        ("- -- AND OR ( ) * ~ +", ["AND", "OR"], []),  # operators alone are just words
        ('"""', [], []),
        ("agua\x00\x1b potable\u200b", ["agua", "potable"], []),  # control and format characters
        ("🌱 agua 💧", ["agua"], []),  # emoji
        ("-", [], []),
    ],
)
def test_anything_typed_is_read_without_error(typed, words, phrases):
    query = parsing.parse(typed)
    assert query.words == words
    assert query.phrases == phrases


def test_an_overlong_query_is_cut_and_says_so():
    query = parsing.parse("agua " * 2000)
    assert query.truncated
    assert len(query.raw) <= parsing.MAX_QUERY_LENGTH
    assert query.words == ["agua"]


def test_a_correction_replaces_or_drops_words():
    query = parsing.parse('presupeusto xqzw "obras públicas"')
    assert query.replaced({"presupeusto": "presupuesto", "xqzw": ""}) == 'presupuesto "obras públicas"'


def test_stems_are_right_when_many_threads_stem_at_once():
    """Requests stem in threads of their own. Snowball's stemmer object keeps the word it
    is working on, so one shared by threads gave wrong stems and IndexErrors under load
    (found by bench/load.py while OpenSearch was down)."""
    import sys
    import threading

    from tests import decide_madrid

    words = [word for row in decide_madrid.proposal_rows()[:300] for word in analysis.words(row["text"])]
    expected = {word: snowballstemmer.stemmer("spanish").stemWord(word) for word in set(words)}
    wrong = []

    def stem_all():
        for word in words:
            try:
                if analysis.stem.__wrapped__(word) != expected[word]:
                    wrong.append(word)
            except IndexError:
                wrong.append(word)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=stem_all) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert len(words) > 5000
    assert wrong == []
