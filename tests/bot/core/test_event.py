"""Event identity: the coverage's main event, and facts about other events kept out of answers."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from bot.core.engine import Engine
from bot.core.event import EVENT_TERM_SHARE, MAIN_PLACE_SHARE, OPENING_SENTENCES, EventFrame, frame_of
from bot.settings import load_settings
from index.store import Index

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


def _frame_from_passages(index: Index) -> EventFrame:
    """The frame as first written, from assembled passages: what the column reading must equal."""
    openings = {}
    start = 0
    for doc_id, article in index.articles.items():
        numbers = range(start, min(start + article.passages, start + OPENING_SENTENCES, len(index)))
        openings[doc_id] = [p for p in (index.passage(n) for n in numbers) if p.doc_id == doc_id]
        start += article.passages
    place_articles: Counter[str] = Counter()
    term_articles: Counter[str] = Counter()
    days: Counter[str] = Counter()
    for passages in openings.values():
        place_articles.update({r.entity for p in passages for r in p.places})
        term_articles.update(
            {t for p in passages for t, stop in zip(p.terms, p.stops, strict=True) if not stop}
        )
        for p in passages:
            days.update(m.value for m in p.mentions if m.kind == "date" and m.precision == "day")
    needed = max(min(2, len(openings)), math.ceil(MAIN_PLACE_SHARE * len(openings)))
    day = days.most_common(1)[0][0] if days else None
    published = sorted(a.published for a in index.articles.values() if a.published)
    year = int(day[:4]) if day else (int(published[0][:4]) if published else None)
    return EventFrame(
        places=frozenset(e for e, n in place_articles.items() if n >= needed and e in index.entities),
        year=year,
        day=day,
        terms=frozenset(t for t, n in term_articles.items() if n >= EVENT_TERM_SHARE * len(openings)),
    )


def test_frame_of_seed_columns_equal_the_assembled_openings(index: Index) -> None:
    got = frame_of(index)
    expected = _frame_from_passages(index)
    assert got == expected, f"expected {expected.describe(index)}, got {got.describe(index)}"


def test_frame_of_flood_columns_equal_the_assembled_openings(flood: Engine) -> None:
    got = frame_of(flood.index)
    expected = _frame_from_passages(flood.index)
    assert got == expected, f"expected {expected.describe(flood.index)}, got {got.describe(flood.index)}"


@pytest.mark.parametrize(
    ("files", "day"),
    [
        ({"a.txt": "Fire on May 2, 2020\n\nA fire on May 3, 2020 burned."}, "2020-05-02"),  # tie: the first
        ({"a.txt": "Fire\n\nA fire burned.", "b.txt": "Fire\n\nSmoke rose."}, None),
    ],
)
def test_frame_of_day_ties_go_to_the_first_stated(make_corpus, tmp_path, files, day) -> None:
    index = Engine(load_settings(corpus=make_corpus(files), index_dir=tmp_path / "index")).index
    got = frame_of(index)
    assert got.day == day, f"expected day {day}, got {got.day}"
    assert got == _frame_from_passages(index), f"expected {_frame_from_passages(index)}, got {got}"
