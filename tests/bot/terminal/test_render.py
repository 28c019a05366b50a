"""Plain-text rendering for the terminal (CLI, REPL). Block Kit rendering is tested in tests/bot/slack/."""

from __future__ import annotations

from bot.core.models import Claim
from bot.terminal.render import text
from tests.bot.samples import CONFLICT, EMPTY, SENTENCE, source


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
