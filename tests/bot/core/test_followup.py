"""Follow-up questions read with the question before them."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.followup import combine

BAGHDAD = "how many were killed in Baghdad?"


@pytest.mark.parametrize(
    ("previous", "reply", "expected"),
    [
        (BAGHDAD, "and in Jordan?", "how many were killed in Jordan?"),
        (BAGHDAD, "what about Jordan?", "how many were killed in Jordan?"),
        ("how many were injured?", "in Jordan?", "how many were injured in Jordan?"),
        (BAGHDAD, "when was that?", "when was killed in Baghdad?"),
        (BAGHDAD, "who said so?", "who said killed in Baghdad?"),
        ("when was the attack in Jordan?", "what time?", "what time was the attack in Jordan?"),
        ("how many soldiers were killed in Jordan?", "when was that?", "when was soldiers killed in Jordan?"),
    ],
)
def test_followup_combined_with_previous(engine: Engine, previous: str, reply: str, expected: str) -> None:
    found = combine(previous, reply, engine.index)
    assert found.question == expected, f"expected {expected!r}, got {found.question!r}"
    assert found.reading and previous.rstrip("?") in found.reading, (
        f"expected a reading, got {found.reading!r}"
    )


@pytest.mark.parametrize(
    ("previous", "reply"),
    [
        (None, "and in Jordan?"),
        (BAGHDAD, "who was the commander killed in the strike?"),
        (BAGHDAD, "how many were injured in Jordan?"),
        (BAGHDAD, ""),
        (BAGHDAD, "and in Atlantis?"),
    ],
)
def test_followup_standalone_questions_untouched(engine: Engine, previous: str | None, reply: str) -> None:
    found = combine(previous, reply, engine.index)
    assert (found.question, found.reading) == (reply, None), f"expected {reply!r} as asked, got {found}"


@pytest.mark.parametrize(
    ("previous", "reply", "values"),
    [
        (BAGHDAD, "and in Jordan?", {"3"}),
        (BAGHDAD, "when was that?", {"2024-02-07"}),
        ("how many were injured?", "in Jordan?", {"34", "40"}),
    ],
)
def test_followup_answers_end_to_end(engine: Engine, previous: str, reply: str, values: set[str]) -> None:
    answer = engine.answer(combine(previous, reply, engine.index).question)
    got = {c.value for c in answer.answers}
    assert got == values, f"expected {values} for {reply!r} after {previous!r}, got {got}"
