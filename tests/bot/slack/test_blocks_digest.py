"""The digest and the feedback buttons as Block Kit (bot/slack/blocks.py): within Slack's limits,
escaped, and saying what was left out and where to see it."""

from __future__ import annotations

import json

import pytest

from bot.core.digest import Digest, DigestValue, Disagreement
from bot.core.engine import Engine
from bot.core.models import Answer
from bot.slack import blocks
from tests.bot.slack.test_blocks import all_text, buttons, claim, conflicting, parsed, source


def disagreement(n: int, values: int = 2, sources: int = 3, sentence_words: int = 10) -> Disagreement:
    """Fact number `n`: `values` differing counts, each from `sources` articles."""
    found = []
    for v in range(values):
        text = f"{v + 2}"
        sentence = ("background " * sentence_words) + f"officials said {text} died <!channel> & more"
        found.append(
            DigestValue(
                value=text,
                text=text,
                articles=sources,
                sources=[source(k, sentence=sentence, answer_text=text) for k in range(1, sources + 1)],
            )
        )
    return Disagreement(
        kind="number", measure="killed", event="attack", place=f"Town{n}",
        question=f"how many were killed in Town{n}?", articles=values * sources,
        values=found, nature="disagreement", why="published the same day",
    )  # fmt: skip


def made(facts: list[Disagreement], notices: list[str] | None = None) -> Digest:
    return Digest(corpus="c", fingerprint="f", articles=9, outlets=4, questions=20,
                  disagreements=facts, agreed=2, notices=notices or [])  # fmt: skip


def test_digest_message_of_the_seed_corpus_lists_its_three_disagreements(engine: Engine) -> None:
    from bot.core.digest import digest

    message = blocks.digest_message(digest(engine))
    parsed(message)
    shown = all_text(message)
    for part in ["*Where the sources disagree*", "3 facts the articles differ on", "Killed in Baghdad",
                 "3 (3 articles) vs 1 (1 article)", "according to U.S. officials",
                 "`/crosscheck how many were killed in Baghdad?`"]:  # fmt: skip
        assert part in shown, f"expected {part!r} in the digest, got:\n{shown}"
    assert "more fact" not in shown, f"expected nothing left out of three facts, got:\n{shown}"


@pytest.mark.parametrize(("facts", "values", "sources"), [(3, 2, 3), (60, 2, 3), (200, 8, 6), (5, 30, 9)])
def test_digest_message_holds_slacks_limits_and_counts_what_it_left_out(
    facts: int, values: int, sources: int
) -> None:
    found = made([disagreement(n, values, sources, sentence_words=80) for n in range(1, facts + 1)])
    message = blocks.digest_message(found)
    parsed(message)  # 50 blocks, 3,000 characters per text
    shown = all_text(message)
    listed = sum(f"*{n}. Killed in Town{n}" in shown for n in range(1, facts + 1))
    assert listed >= 1, f"expected at least the first fact shown, got:\n{shown[:2000]}"
    if listed < facts:
        note = f"…and {facts - listed} more fact{'s' if facts - listed > 1 else ''} the articles differ on"
        assert note in shown, f"expected {note!r}, got the end:\n{shown[-500:]}"
        assert "`crosscheck disagreements` in a terminal" in shown, "expected the CLI named for the rest"
    hidden = sources - blocks.DIGEST_SOURCES_SHOWN
    if hidden > 0:
        assert f"…and {hidden} more source" in shown, f"expected the hidden sources counted:\n{shown[:3000]}"


def test_digest_message_escapes_quoted_text_and_shows_notices() -> None:
    message = blocks.digest_message(made([disagreement(1)], notices=["Capped at 400 questions."]))
    shown = all_text(message)
    assert "<!channel>" not in shown and "&lt;!channel&gt; &amp; more" in shown, f"got:\n{shown}"
    assert "Note: Capped at 400 questions." in shown, f"expected the notice, got:\n{shown}"


def test_digest_message_with_no_disagreement_says_so() -> None:
    shown = all_text(blocks.digest_message(made([])))
    assert "No fact found on which the articles differ." in shown, f"got:\n{shown}"


def test_digest_blocks_fit_a_smaller_budget() -> None:
    found = made([disagreement(n) for n in range(1, 40)])
    got = blocks.digest_blocks(found, max_blocks=10)
    assert len(got) <= 10, f"expected at most 10 blocks, got {len(got)}"


# --- the feedback buttons -----------------------------------------------------------------------------


def test_feedback_buttons_carry_the_question_and_the_headline() -> None:
    found = buttons(blocks.answer_message(conflicting(), feedback=True))
    assert {blocks.HELPFUL_ACTION, blocks.WRONG_ACTION} <= set(found), f"got {set(found)}"
    for action in (blocks.HELPFUL_ACTION, blocks.WRONG_ACTION):
        question, shown = blocks.read_feedback_value(found[action].value or "")
        assert question == "How many were killed in Baghdad?", f"got {question!r}"
        assert shown == "Sources disagree: 3 (2 articles); 1 (1 article)", f"got {shown!r}"
    labels = [found[a].text.text for a in (blocks.HELPFUL_ACTION, blocks.WRONG_ACTION)]  # type: ignore[union-attr]
    assert labels == ["Helpful", "Something's wrong"], f"got {labels}"


def test_feedback_buttons_are_also_under_an_answer_with_no_answer() -> None:
    empty = Answer(question="who won the cup?", kind="person", conflict=False, answers=[])
    found = buttons(blocks.answer_message(empty, feedback=True))
    assert blocks.read_feedback_value(found[blocks.WRONG_ACTION].value or "") == (
        "who won the cup?", "No answer in the coverage.",
    ), "expected the question and the empty answer carried"  # fmt: skip


@pytest.mark.parametrize(
    ("question", "shown"),
    [("q" * 5000, "a"), ("q", '"\\' * 3000), ("é" * 1500, "ü" * 1500), ("short", "short")],
    ids=["long question", "escapes", "non-ascii", "short"],
)
def test_feedback_value_fits_the_limit_and_reads_back(question: str, shown: str) -> None:
    value = blocks.feedback_value(question, shown)
    assert len(value) <= blocks.BUTTON_VALUE_LIMIT, f"expected <= 2000 characters, got {len(value)}"
    q, a = blocks.read_feedback_value(value)
    assert q and a, f"expected both kept, got {(q[:20], a[:20])}"
    assert question.startswith(q.rstrip("…").rstrip()) and shown.startswith(a.rstrip("…").rstrip()), (
        "expected the start of each kept"
    )
    assert json.loads(value) == {"q": q, "a": a}


@pytest.mark.parametrize("value", ["", "not json", "[1, 2]", "null", '{"q": 3}'])
def test_read_feedback_value_of_something_else_gives_empty_strings(value: str) -> None:
    q, a = blocks.read_feedback_value(value)
    assert (q, a) in (("", ""), ("3", "")), f"got {(q, a)}"


def test_answer_message_with_feedback_and_many_sources_holds_the_limits() -> None:
    claims = [claim(str(n), [source(k) for k in range(1, 8)]) for n in range(1, 30)]
    answer = Answer(question="q?", kind="number", conflict=True, answers=claims)
    parsed(blocks.answer_message(answer, share=True, feedback=True))
