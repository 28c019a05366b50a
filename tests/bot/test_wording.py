"""The wording every front end shares: source labels, marked sentences, counts, headlines."""

from __future__ import annotations

import pytest

from bot.core.models import Answer, Claim
from bot.wording import claim_title, count_phrase, headline, marked_sentence, source_label
from tests.bot.samples import CONFLICT, EMPTY, ONE, SENTENCE, START, source


@pytest.mark.parametrize(
    ("changes", "label"),
    [
        ({}, "Strike targets Hezbollah"),
        ({"outlet": "USNewsMag.com"}, "USNewsMag.com: Strike targets Hezbollah"),
        ({"outlet": "Wire", "published": "2024-02-08"}, "Wire: Strike targets Hezbollah (2024-02-08)"),
    ],
)
def test_source_label_outlet_title_date(changes: dict, label: str) -> None:
    got = source_label(source(**changes))
    assert got == label, f"expected {label!r}, got {got!r}"


@pytest.mark.parametrize(
    ("start", "end", "marked"),
    [
        (START, START + 14, "Iraqi security sources confirmed that [at least three] people were killed."),
        (0, 0, SENTENCE),  # no span: the sentence as is
        (10, 5, SENTENCE),  # inverted
        (0, len(SENTENCE) + 5, SENTENCE),  # beyond the end
    ],
)
def test_marked_sentence_wraps_valid_span(start: int, end: int, marked: str) -> None:
    got = marked_sentence(source(start=start, end=end), "[", "]")
    assert got == marked, f"expected {marked!r}, got {got!r}"


@pytest.mark.parametrize(("n", "phrase"), [(1, "1 article"), (2, "2 articles"), (0, "0 articles")])
def test_count_phrase_plural(n: int, phrase: str) -> None:
    assert count_phrase(n, "article") == phrase, f"expected {phrase!r}, got {count_phrase(n, 'article')!r}"


def test_claim_title_shows_wording_and_aliases() -> None:
    claim = Claim(value="Wissam Al-Saadi", text="Abu Baqir", aliases=["abu baqir al saadi"], sources=[ONE])
    got = claim_title(claim)
    assert got == 'Wissam Al-Saadi ("Abu Baqir") — also abu baqir al saadi', f"got {got!r}"


def test_claim_title_same_wording_once() -> None:
    assert claim_title(Claim(value="3", text="3", sources=[ONE])) == "3", "expected the value alone"


@pytest.mark.parametrize(
    ("answer", "line"),
    [
        (CONFLICT, "Sources disagree: 3 (2 articles); 1 (1 article)"),
        (EMPTY, "No answer in the coverage."),
        (CONFLICT.model_copy(update={"answers": CONFLICT.answers[1:], "conflict": False}), "1 (1 article)"),
    ],
)
def test_headline_one_line(answer: Answer, line: str) -> None:
    assert headline(answer) == line, f"expected {line!r}, got {headline(answer)!r}"
