"""Reading a question as typed in chat: links, filler, capitals, shorthand and typos."""

from __future__ import annotations

import pytest

from bot.core.reading import read
from index.store import Index


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("how many were injurd?", "how many were injured?"),
        ("how many ppl were killed", "how many people were killed"),
        ("quick q: when was the strike?", "When was the strike?"),
        ("hey, can you tell me who was killed?", "Who was killed?"),
        ("HOW MANY WERE KILLED IN BAGHDAD", "how many were killed in baghdad"),
        ("who was killed https://example.com/story?id=1", "who was killed"),
        (
            "how many were killed in Bagdad?",
            "how many were killed in Bagdad?",
        ),  # names: analysis matches them
        ("how many were killed?", "how many were killed?"),
        ("hey", "hey"),  # filler alone stays what was asked
    ],
)
def test_read_mends_chat_typing(index: Index, typed: str, expected: str) -> None:
    got = read(typed, index).text
    assert got == expected, f"{typed!r}: expected {expected!r}, got {got!r}"


@pytest.mark.parametrize(
    ("typed", "change"),
    [
        ("how many were injurd?", "'injurd' as 'injured'"),
        ("how many ppl died", "'ppl' as 'people'"),
        ("who was killed https://example.com/x", "left out the link"),
    ],
)
def test_read_says_what_it_changed(index: Index, typed: str, change: str) -> None:
    changes = read(typed, index).changes
    assert change in changes, f"{typed!r}: expected {change!r} among the changes, got {changes}"


@pytest.mark.parametrize("word", ["hurt", "attend", "flood", "teacher"])
def test_read_leaves_english_words_the_coverage_lacks(index: Index, word: str) -> None:
    typed = f"how many were {word}?"
    got = read(typed, index)
    assert got.text == typed and not got.changes, f"{word!r} is English: expected no change, got {got}"
