"""Plain-text rendering for the terminal (CLI, REPL). Block Kit rendering is tested elsewhere."""

from __future__ import annotations

import pytest

from bot.models import Answer, Claim, Source
from bot.render import claim_title, count_phrase, headline, marked_sentence, source_label, text

SENTENCE = "Iraqi security sources confirmed that at least three people were killed."
START = SENTENCE.index("at least three")


def source(**changes) -> Source:
    fields = dict(
        doc_id="000_a", title="Strike targets Hezbollah", outlet=None, published=None, sentence=SENTENCE,
        start=START, end=START + len("at least three"), attribution="Iraqi security sources", score=0.8,
    )  # fmt: skip
    return Source(**{**fields, **changes})


ONE_SENTENCE = "U.S. officials initially stated one casualty."
ONE = Source(
    doc_id="003_b", title="U.S. Drone Strike", sentence=ONE_SENTENCE, start=ONE_SENTENCE.index("one"),
    end=ONE_SENTENCE.index("one") + 3, attribution="U.S. officials", score=0.6,
)  # fmt: skip

CONFLICT = Answer(
    question="how many were killed in Baghdad?",
    kind="number",
    answers=[
        Claim(
            value="3", text="at least three", qualifier="at least", sources=[source(), source(doc_id="001_c")]
        ),
        Claim(value="1", text="one", sources=[ONE]),
    ],
    conflict=True,
)
EMPTY = Answer(
    question="What is the capital of France?", kind="place", answers=[], conflict=False,
    closest=[source(start=0, end=0, attribution=None)], notices=["The articles never mention France."],
)  # fmt: skip


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


def test_text_conflict_shows_every_answer_with_sources() -> None:
    shown = text(CONFLICT)
    lines = shown.splitlines()
    assert lines[0] == CONFLICT.question, f"expected the question first, got {lines[0]!r}"
    assert lines[1] == "Sources disagree: 2 answers", f"expected the disagreement line, got {lines[1]!r}"
    for expected in (
        '1. 3 ("at least three") — 2 articles',
        '2. 1 ("one") — 1 article',
        "Strike targets Hezbollah — according to Iraqi security sources",
        "U.S. Drone Strike — according to U.S. officials",
        "**at least three**",
        "**one**",
    ):
        assert expected in shown, f"expected {expected!r} in:\n{shown}"
    assert shown.index("1. 3") < shown.index("2. 1"), "expected answers in the given order"


def test_text_custom_bold_markers() -> None:
    shown = text(CONFLICT, bold=("<b>", "</b>"))
    assert "<b>at least three</b>" in shown and "**" not in shown, f"expected <b> markers only, got:\n{shown}"


def test_text_single_answer_has_no_disagreement_line() -> None:
    single = CONFLICT.model_copy(update={"answers": CONFLICT.answers[:1], "conflict": False})
    assert "disagree" not in text(single), f"expected no disagreement line, got:\n{text(single)}"


def test_text_no_answer_shows_closest_and_notices() -> None:
    shown = text(EMPTY, n_articles=5)
    for expected in (
        "Note: The articles never mention France.",
        "I couldn't find that in the 5 articles.",
        "Closest passages:",
        "  - Strike targets Hezbollah",
        f'"{SENTENCE}"',
    ):
        assert expected in shown, f"expected {expected!r} in:\n{shown}"


def test_text_wraps_long_sentences() -> None:
    long = source(sentence=SENTENCE + " " + "More words follow here. " * 20)
    shown = text(CONFLICT.model_copy(update={"answers": [Claim(value="3", text="three", sources=[long])]}))
    widest = max(len(line) for line in shown.splitlines() if line.startswith("       "))
    assert widest <= 100, f"expected quoted lines within 100 characters, got {widest}"
