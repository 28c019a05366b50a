"""Small helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from index.passages import Mention, Passage

# A short article in the style of the seed coverage, for corpora built in tests.
SMALL_ARTICLE = (
    "Drone strike in Baghdad\n"
    "Iraqi security sources said three people were killed in the strike in Baghdad on Wednesday.\n"
    "The strike happened at 9.30pm local time.\n"
)


def mention_in(passage: Passage, text: str) -> Mention:
    """The mention of a passage whose text is `text` (fails the test when there is none)."""
    found = [m for m in passage.mentions if m.text == text]
    assert found, (
        f"expected a mention {text!r} in {passage.text!r}, got {[m.text for m in passage.mentions]!r}"
    )
    return found[0]
