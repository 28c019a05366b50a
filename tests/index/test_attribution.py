"""Attribution: who a sentence credits its claims to, from the cue rules and in the seed index."""

from __future__ import annotations

import pytest

from index.attribution import Cue, find_cues, source_for
from index.store import Index
from index.terms import tokenize
from tests.helpers import mention_in


def cues(index: Index, text: str) -> list[Cue]:
    tokens = tokenize(text)
    lemmas = [index.term_maker.term(t) for t in tokens]  # as the passage builder computes them
    return find_cues(text, tokens, lemmas)


def sources(index: Index, text: str) -> list[str | None]:
    return [c.source for c in cues(index, text)]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("According to US officials, the strike targeted a vehicle.", "US officials"),
        (
            "Iraqi security sources confirmed that at least three people were killed.",
            "Iraqi security sources",
        ),
        (
            "However, two officials from Iran-backed militias in Iraq contradicted this, asserting that "
            "three individuals had perished.",
            "two officials from Iran-backed militias in Iraq",
        ),
        ("U.S. officials initially stating one casualty.", "U.S. officials"),
        ("US officials stated that three people died.", "US officials"),
        ("Three people were killed, said a U.S. official.", "U.S. official"),
        ("Three people died, according to militia officials.", "militia officials"),
        ("Three were killed, officials told Reuters.", "officials"),
        ("The strike, described by U.S. officials as dynamic, signifies a response.", "U.S. officials"),
        ('"We will respond," said John Kirby.', "John Kirby"),
        ("Officials in the United States said three people died.", "Officials in the United States"),
        ("The New York Times reported that the commander had been under surveillance.", "The New York Times"),
        (
            '"Sixteen are dead," Arnolda Shiundu, a Kenyan Red Cross official, told a reporter.',
            "Arnolda Shiundu, a Kenyan Red Cross official",
        ),
        ("Lena Ortiz, 46, said the bridge had collapsed.", "Lena Ortiz, 46"),
        # an apposition closing the sentence after an inverted source is the source's title
        (
            "So far, 288 people have died, said KS Anand, "
            "chief public relations officer of the Eastern Railway.",
            "KS Anand, chief public relations officer of the Eastern Railway",
        ),
        ('"Nine died," said Jane Ortiz, a nurse.', "Jane Ortiz, a nurse"),
        # a clause after the comma is no title
        ("Nine died, said Jane Ortiz, who runs the clinic.", "Jane Ortiz"),
        ("Nine died, said Jane Ortiz, adding that more were hurt.", "Jane Ortiz"),
    ],
)
def test_find_cues_names_source(index: Index, text: str, source: str) -> None:
    got = [s for s in sources(index, text) if s]
    assert got, f"expected source {source!r} in {text!r}, got none"
    assert source in got or source.removeprefix("The ") in got, f"expected {source!r}, got {got!r}"


def test_find_cues_participle_shares_subject(index: Index) -> None:
    text = "Two officials contradicted this, asserting that three individuals had perished."
    got = sources(index, text)
    assert got == ["Two officials", "Two officials"], (
        f"expected both verbs credited to 'Two officials', got {got!r}"
    )


@pytest.mark.parametrize(
    "text",
    [
        "The Iran-backed militia is said to have been responsible for a drone strike.",
        "The group was reported to have 10,000 members.",
        "The strike is understood to have killed a key member.",
    ],
)
def test_find_cues_hedge_has_no_source(index: Index, text: str) -> None:
    named = [s for s in sources(index, text) if s]
    assert not named, f"expected no source for a hedge in {text!r}, got {named!r}"


@pytest.mark.parametrize(
    "text",
    [
        "The United States currently maintains around 900 troops in Syria.",
        "The United States will continue to take necessary action.",
        # speech words used as nouns
        "A train derailed on Friday in the state of Odisha around 7:20 pm local time.",
        "The report of the committee is due next week.",
    ],
)
def test_find_cues_word_that_is_not_a_speech_verb_is_no_cue(index: Index, text: str) -> None:
    got = cues(index, text)
    assert got == [], f"expected no attribution cue in {text!r}, got {got!r}"


@pytest.mark.parametrize(
    ("text", "pronoun"), [('It said: "At 9.30pm forces struck."', "It"), ("He said so.", "He")]
)
def test_find_cues_pronoun_is_marked(index: Index, text: str, pronoun: str) -> None:
    got = cues(index, text)
    assert [(c.source, c.pronoun) for c in got] == [(pronoun, True)], (
        f"expected ({pronoun!r}, True), got {got!r}"
    )


def test_source_for_nearest_named_cue() -> None:
    found = [
        Cue(tok=1, source="US officials", pronoun=False),
        Cue(tok=10, source="militia officials", pronoun=False),
    ]
    pos = list(range(12))
    assert source_for(found, 2, pos).source == "US officials", "expected the nearer cue at token 1"
    assert source_for(found, 9, pos).source == "militia officials", "expected the nearer cue at token 10"
    assert source_for([Cue(tok=1, source=None, pronoun=False)], 2, pos) is None, (
        "expected None without a source"
    )


@pytest.mark.parametrize(
    ("doc", "fragment", "mention", "source"),
    [
        ("000", "According to US officials", "Wednesday", "US officials"),
        ("000", "Iraqi security sources confirmed", "at least three", "Iraqi security sources"),
        (
            "003",
            "two officials from Iran-backed militias",
            "three",
            "two officials from Iran-backed militias in Iraq",
        ),
        ("003", "initially stating one casualty", "one", "U.S. officials"),
        (
            "001",
            "Iran-backed militia officials in Iraq said",
            "three",
            "Iran-backed militia officials in Iraq",
        ),
    ],
)
def test_seed_mentions_attributed(passage_with, doc: str, fragment: str, mention: str, source: str) -> None:
    m = mention_in(passage_with(doc, fragment), mention)
    assert m.attribution == source, f"{mention!r}: expected {source!r}, got {m.attribution!r}"


def test_seed_it_said_resolves_to_statement_source(passage_with) -> None:
    m = mention_in(passage_with("002", "It said:"), "9.30pm")
    assert m.attribution and "Central Command" in m.attribution, (
        f"expected 'It said:' credited to the US Central Command statement, got {m.attribution!r}"
    )


@pytest.mark.parametrize(
    ("doc", "fragment", "mention"),
    [
        ("002", "is said to have been responsible", "three"),
        ("000", "The United States currently maintains", "around 900"),
    ],
)
def test_seed_mentions_without_source(passage_with, doc: str, fragment: str, mention: str) -> None:
    m = mention_in(passage_with(doc, fragment), mention)
    assert m.attribution is None, f"{mention!r}: expected no attribution, got {m.attribution!r}"


@pytest.mark.parametrize(
    "text",
    [
        '"The roads are closed," an official, told The Anadolu Agency by phone.',
        '"We are safe," told reporters.',
    ],
)
def test_find_cues_listener_of_told_is_not_the_source(index: Index, text: str) -> None:
    got = [s for s in sources(index, text) if s]
    assert not any("Anadolu" in s or "reporters" in s for s in got), (
        f"expected no listener as source, got {got!r}"
    )


def test_find_cues_noun_inside_according_source_adds_no_cue(index: Index) -> None:
    text = "The train was struck by another train, according to local media reports."
    got = sources(index, text)
    assert got == ["local media reports"], f"expected one source, the according phrase; got {got!r}"
