"""Tokens and search terms: the same terms on the index side and the question side."""

from __future__ import annotations

import pytest

from index.store import Index
from index.terms import TermMaker, fold, surface_key, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("U.S. officials", [("U.S.", "abbr"), ("officials", "word")]),
        ("2,500 troops", [("2,500", "num"), ("troops", "word")]),
        ("at 9:30 p.m.", [("at", "word"), ("9:30", "num"), ("p.m.", "abbr")]),
        ("Kata'ib", [("Kata'ib", "word")]),
        ("Baghdad’s", [("Baghdad’s", "word")]),
        ("Iran-backed", [("Iran", "word"), ("-", "punct"), ("backed", "word")]),
        ("January 27th.", [("January", "word"), ("27th", "num"), (".", "punct")]),
    ],
)
def test_tokenize_kinds(text: str, tokens: list[tuple[str, str]]) -> None:
    got = [(t.text, t.kind) for t in tokenize(text)]
    assert got == tokens, f"{text!r}: expected {tokens!r}, got {got!r}"


def test_tokenize_offsets_point_into_text() -> None:
    text = "Iraqi security sources confirmed that at least three people were killed."
    for token in tokenize(text):
        assert text[token.start : token.end] == token.text, f"expected offsets of {token.text!r} to match"


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Kata’ib", "kataib"), ("KATA'IB", "kataib"), ("Al-Saadi", "al-saadi"), ("Café  Noir", "cafe noir")],
)
def test_fold_case_accents_apostrophes(text: str, folded: str) -> None:
    assert fold(text) == folded, f"{text!r}: expected {folded!r}, got {fold(text)!r}"


@pytest.mark.parametrize(
    ("text", "key"), [("U.S.", "us"), ("2,500", "2500"), ("27th", "27"), ("Hezbollah's", "hezbollah")]
)
def test_surface_key(text: str, key: str) -> None:
    (token,) = tokenize(text)
    assert surface_key(token) == key, f"{text!r}: expected {key!r}, got {surface_key(token)!r}"


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("Kata'ib", "kataib"),
        ("Kata’ib", "kataib"),
        ("KATA'IB", "kataib"),
        ("neighbourhood", "neighborhood"),
        ("neighborhood", "neighborhood"),
        ("killed", "kill"),
        ("troops", "troop"),
        ("casualties", "casualty"),
        ("Baghdad's", "baghdad"),
        ("US", "us"),
        ("U.S.", "us"),
    ],
)
def test_term_maker_with_index_tables(index: Index, word: str, term: str) -> None:
    (token,) = tokenize(word)
    got = index.term_maker.term(token)
    assert got == term, f"{word!r}: expected term {term!r}, got {got!r}"


@pytest.mark.parametrize(
    ("word", "stop"), [("US", False), ("U.S.", False), ("us", True), ("the", True), (",", True)]
)
def test_term_maker_us_is_not_the_pronoun(index: Index, word: str, stop: bool) -> None:
    (token,) = tokenize(word)
    assert index.term_maker.is_stop(token) == stop, f"{word!r}: expected is_stop={stop}"


def test_term_maker_terms_of_text(index: Index) -> None:
    got = index.term_maker.terms("Were US troops killed in Kata'ib's neighbourhood?")
    assert got == ["us", "troop", "kill", "kataib", "neighborhood"], f"got {got!r}"


def test_term_maker_from_plain_tables() -> None:
    maker = TermMaker({"killed": "kill"}, {"neighbourhood": "neighborhood"}, frozenset({"the"}))
    got = maker.terms("The killed neighbourhood")
    assert got == ["kill", "neighborhood"], f"expected ['kill', 'neighborhood'], got {got!r}"
