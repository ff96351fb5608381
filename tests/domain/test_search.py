"""The matching rules every search shares (domain/search.py): folding, word forms, Kazakh."""

from __future__ import annotations

import pytest

from defender_desk.domain import search
from defender_desk.domain.search import Matcher, fold, query_terms, words


def found(query: str, text: str) -> bool:
    return Matcher(query)(text)


def test_fold_case_yo_marks_and_kazakh_letters_on_a_russian_layout():
    assert fold("ЁЛКА") == fold("елка") == "елка"
    assert fold("за́мок") == "замок"  # a stress mark is ignored
    assert fold("Café") == "cafe"
    assert fold("ҚҰҢҒҮӨӘІҺ") == "кунгуоаих"
    assert fold("қызым") == fold("кызым")
    # letter by letter: a word stays one word, a beginning stays a beginning
    assert fold("Әкімдікке").startswith(fold("Әкім"))


def test_words_are_letters_and_digits():
    assert words("IMG_2024.jpg, №5 — Дочери!") == ["img", "2024", "jpg", "5", "дочери"]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("дочь", "Вызвали дочери участкового"),  # Russian word forms (Snowball stem «доч»)
        ("дочь", "с дочерью"),
        ("угроза", "поступали угрозы"),
        ("заемщик", "заёмщик не платит"),  # «ё» = «е»
        ("заёмщик", "заемщика вызвали"),
        ("кызым", "қызым мектепте"),  # Kazakh typed on a Russian layout
        ("акимдик", "Әкімдікке шақырды"),
        ("ҚЫЗЫМ", "кызымды"),
        ("summoned", "a summons came"),  # English stems
        ("208", "ҚР ҚПК 208-бабы"),
        ("Айгерим Н", "Айгерим Н."),  # every word, by its beginning
    ],
)
def test_finds_what_she_means(query, text):
    assert found(query, text)


def test_every_word_must_match_and_words_match_by_their_beginning():
    assert not found("дочь банк", "дочери звонили")
    assert found("дочь банк", "дочери звонили из банка")
    assert not found("ектор", "коллектор")  # not substrings inside a word
    assert not found("nothing like this", "дочери")


def test_kazakh_is_matched_by_the_beginning_of_the_typed_form():
    """Snowball has no Kazakh stemmer: a Kazakh word (one with a Kazakh letter) finds the
    forms that add endings to what was typed, not the forms that have fewer."""
    assert found("әкімдік", "әкімдікке барды")
    assert found("әкімдік", "әкімдіктен хабарласты")
    assert not found("әкімдікке", "әкімдік шақырды")  # type the shorter form
    assert query_terms("әкімдікке") == ["акимдикке"]  # no ending cut from a Kazakh word


def test_terms():
    assert query_terms("дочь") == ["доч"]
    assert query_terms("Дочь ДОЧЕРИ") == ["дочер"]  # a term that begins another adds nothing
    assert query_terms("мой") == ["мои"]  # a stem under three letters is not used («мо»)
    assert query_terms("ҚР") == ["кр"]
    assert query_terms('"; DROP TABLE incidents; --') == ["drop", "tabl", "incid"]
    assert query_terms(" — ! ") == []
    assert search.fts_query(["доч", 'a"b']) == '"доч"* AND "a""b"*'


def test_no_terms_match_nothing():
    assert not Matcher("…")("anything at all")
    assert not Matcher("…")
