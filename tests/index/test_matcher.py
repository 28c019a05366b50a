"""The token matcher: the same matches as spaCy's Matcher and EntityRuler on the rule patterns."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher
from spacy.util import filter_spans

from index.matcher import TokenMatcher, longest_first
from index.nlp import load_pipeline, ruler_patterns

TEXTS = [
    "At least 2,500 and up to 10,000 people, over 40 of them in the 1990s, fled on Jan. 28, 2024.",
    "Jan. 28, 2024 at 9.30pm GMT (1830 GMT), then noon and 21:45 UTC on Wednesday evening.",
    "Wissam Muhammad Sabir Al-Saadi met Abu Baqir al-Saadi of the Department of Defense at Tower 22.",
    "the previous week, last Monday, earlier this month, mid-January 2024, 2024-02-07 and the 5th of May",
    "In 2024 some 300 troops and a further two dozen advisers, no fewer than 12, arrived in the U.S.A.",
    "Kata'ib Hezbollah (KH) and Harakat al-Nujaba said the Islamic Resistance in Iraq struck NATO2 bases.",
    "",
    "three three three",
]


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


def spacy_matches(nlp, patterns: list[list[dict]], text: str) -> set[tuple[int, int]]:
    matcher = Matcher(nlp.vocab, validate=False)  # the EntityRuler does not validate: "OP": "1"
    matcher.add("X", patterns)
    return {(start, end) for _, start, end in matcher(nlp(text))}


@pytest.mark.parametrize("text", TEXTS)
def test_token_matcher_finds_what_spacy_matcher_finds(blank, text: str) -> None:
    patterns = [entry["pattern"] for entry in ruler_patterns()]
    ours = TokenMatcher(lambda w: blank.vocab[w].like_num)
    ours.add("X", patterns)
    words = [t.text for t in blank(text)]
    got = {(start, end) for _, start, end in ours(words)}
    expected = spacy_matches(blank, patterns, text)
    assert got == expected, f"expected spaCy's matches {sorted(expected)}, got {sorted(got)}"


@pytest.mark.parametrize("text", TEXTS)
def test_longest_first_keeps_what_greedy_longest_and_filter_spans_keep(blank, text: str) -> None:
    cap = {"TEXT": {"REGEX": r"^[A-Z][a-z]*$"}, "OP": "+"}
    patterns = [[cap], [cap, {"LOWER": {"IN": ["al", "of"]}}, {"ORTH": "-", "OP": "?"}, cap]]
    matcher = Matcher(blank.vocab)
    matcher.add("X", patterns, greedy="LONGEST")
    doc = blank(text)
    expected = [(s.start, s.end) for s in filter_spans(matcher(doc, as_spans=True))]
    ours = TokenMatcher(lambda w: blank.vocab[w].like_num)
    ours.add("X", patterns)
    got = longest_first((start, end) for _, start, end in ours([t.text for t in doc]))
    assert got == expected, f"expected {expected}, got {got}"


def test_rule_entities_label_as_the_entity_ruler_does(blank) -> None:
    ruler_nlp = spacy.blank("en")
    ruler = ruler_nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(ruler_patterns())  # type: ignore[attr-defined]
    nlp, _ = load_pipeline("no_such_pipeline_installed")
    for text in TEXTS:
        expected = [(e.start, e.end, e.label_) for e in ruler_nlp(text).ents]
        got = [(e.start, e.end, e.label_) for e in nlp(text).ents]
        assert got == expected, f"{text!r}: expected the EntityRuler's {expected}, got {got}"


@pytest.mark.parametrize(
    "pattern",
    [[{"LOWER": "a", "OP": "?"}], [{"POS": "NOUN"}], [{"LOWER": {"NOT_IN": ["a"]}}], [{"LENGTH": 3}]],
)
def test_token_matcher_refuses_what_it_cannot_match_like_spacy(pattern: list[dict]) -> None:
    with pytest.raises(ValueError):
        TokenMatcher(lambda w: False).add("X", [pattern])
