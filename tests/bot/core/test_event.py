"""Event identity: the coverage's main event, and facts about other events kept out of answers."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.event import frame_of
from bot.settings import load_settings

# Coverage of a flood in Lyon that also recalls an earlier flood there and a storm elsewhere.
FLOOD = {
    "a.txt": (
        "Floods kill 12 in Lyon\n\n"
        "At least 12 people were killed when floods hit Lyon, France, on March 3, 2021, officials said.\n\n"
        "In 2011, a flood in Lyon killed 40 people.\n"
    ),
    "b.txt": (
        "Lyon flood toll rises to 14\n\n"
        "Fourteen people were killed in the floods in Lyon, France, the mayor said on March 4, 2021.\n\n"
        "A storm in Osaka, Japan killed two people last month.\n"
    ),
    "c.txt": (
        "Lyon counts the cost\n\n"
        "Rescuers in Lyon, France said 14 people had died in the March 3, 2021 floods.\n"
    ),
}


@pytest.fixture
def flood(make_corpus, tmp_path) -> Engine:
    return Engine(load_settings(corpus=make_corpus(FLOOD), index_dir=tmp_path / "index"))


def test_frame_of_reads_main_places_and_year_from_the_openings(flood: Engine) -> None:
    frame = frame_of(flood.index)
    names = {flood.index.entities[e].name for e in frame.places}
    assert "Lyon" in names, f"expected Lyon among the main places, got {names}"
    assert not names & {"Osaka", "Japan"}, f"places of other events are not main: {names}"
    assert frame.year == 2021, f"expected the event's year 2021, got {frame.year}"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people were killed?", {"12", "14"}),  # not the 40 in Cairo in 2011, nor Osaka's two
        ("How many people were killed in Lyon?", {"12", "14"}),
        ("How many people were killed in Osaka?", {"2"}),  # naming the other event asks about it
        ("How many people were killed in 2011?", {"40"}),
    ],
)
def test_answer_keeps_other_events_out(flood: Engine, question: str, expected: set[str]) -> None:
    got = {c.value for c in flood.answer(question).answers}
    assert got == expected, f"{question!r}: expected {expected}, got {got}"


def test_frame_of_story_words_are_what_most_openings_say(flood: Engine) -> None:
    words = frame_of(flood.index).terms
    assert {"flood", "lyon"} <= words, f"expected flood and lyon among the story words, got {sorted(words)}"
    assert "storm" not in words, f"a word one article mentions once is not the story's, got {sorted(words)}"
