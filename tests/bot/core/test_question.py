"""Question analysis: kind, focus words, counted noun, role, places, source; Slack markup cleaned."""

from __future__ import annotations

import pytest

from bot.core.question import analyse, clean_question, detect_kind, part_of_name
from index.store import Index
from index.terms import tokenize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<@U123> how many were killed in Baghdad?", "how many were killed in Baghdad?"),
        ("<!channel> what time was the strike?", "what time was the strike?"),
        ("see <https://x.com/a|this story>: who?", "see this story: who?"),
        ("see <https://x.com/a>", "see https://x.com/a"),
        ("tom &amp; jerry &lt;3", "tom & jerry <3"),
        ("what’s the “toll”?", 'what\'s the "toll"?'),
        ("  how\tmany\n killed?  ", "how many killed?"),
        ("how many\x00 were\x07 killed?", "how many were killed?"),
        ("<!here> when?", "when?"),
        ("<!channel>", ""),
    ],
)
def test_clean_question_resolves_slack_markup(raw: str, clean: str) -> None:
    assert clean_question(raw) == clean, f"{raw!r}: expected {clean!r}, got {clean_question(raw)!r}"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many were killed in Baghdad?", "number"),
        ("what was the death toll?", "number"),
        ("How old was William Rivers?", "number"),
        ("what time was the strike?", "time"),
        ("when was the attack on the base in Jordan?", "date"),
        ("on what date did the strike happen?", "date"),
        ("where did the strike happen?", "place"),
        ("which neighbourhood was hit?", "place"),
        ("which militia was behind the attack?", "organization"),
        ("who was the commander killed in the strike?", "person"),
        ("why did the US strike?", "other"),
        ("which chief minister questioned the death toll figures?", "person"),
        ("which railway zone said the toll had reached 261?", "organization"),
        ("near which station did the trains collide?", "place"),
        ("what death toll did the railways give?", "number"),
        ("how many officials said the toll was three?", "number"),
    ],
)
def test_detect_kind(question: str, kind: str) -> None:
    assert detect_kind(question.lower()) == kind, (
        f"{question!r}: expected {kind!r}, got {detect_kind(question)}"
    )


def names(index: Index, ids: list[str]) -> list[str]:
    return [index.entities[e].name for e in ids]


def test_analyse_place_constraint_not_focus(index: Index) -> None:
    q = analyse("how many were killed in Baghdad?", index)
    assert (q.kind, q.accept) == ("number", {"count"}), f"expected a count question, got {q.kind} {q.accept}"
    assert names(index, q.places) == ["Baghdad"], f"expected place Baghdad, got {names(index, q.places)!r}"
    assert "kill" in q.focus, f"expected 'kill' in focus, got {q.focus!r}"


def test_analyse_modifier_place_is_not_constraint(index: Index) -> None:
    q = analyse("How many US troops are in Iraq?", index)
    assert q.counted == ["troop"], f"expected counted ['troop'], got {q.counted!r}"
    assert names(index, q.places) == ["Iraq"], (
        f"expected only Iraq as place (US modifies troops), got {q.places!r}"
    )


@pytest.mark.parametrize("spelling", ["Bagdad", "baghdad", "BAGHDAD"])
def test_analyse_place_spellings(index: Index, spelling: str) -> None:
    q = analyse(f"death toll in {spelling}?", index)
    assert names(index, q.places) == ["Baghdad"], (
        f"{spelling!r}: expected Baghdad, got {names(index, q.places)!r}"
    )


def test_analyse_counted_noun(index: Index) -> None:
    q = analyse("how many rockets did the drone fire?", index)
    assert q.counted == ["rocket"], f"expected counted ['rocket'], got {q.counted!r}"


def test_analyse_people_is_not_counted_noun(index: Index) -> None:
    q = analyse("how many people were killed?", index)
    assert q.counted == [], f"expected nothing counted for 'people', got {q.counted!r}"


def test_analyse_role(index: Index) -> None:
    q = analyse("who was the commander killed in the strike?", index)
    assert (q.kind, q.role) == ("person", "commander"), f"expected person/commander, got {q.kind}/{q.role}"


def test_analyse_according_to_source(index: Index) -> None:
    q = analyse("how many were killed according to US officials?", index)
    assert q.according == ["us", "official"], f"expected ['us', 'official'], got {q.according!r}"


def test_analyse_type_noun(index: Index) -> None:
    q = analyse("which militia was behind the attack?", index)
    assert q.type_noun == "militia", f"expected 'militia', got {q.type_noun!r}"


def test_analyse_alias_question(index: Index) -> None:
    q = analyse("what is Abu Baqir Al-Saadi's real name?", index)
    assert q.alias, "expected an alias question"
    assert names(index, q.entities) == ["Wissam Muhammad Sabir Al-Saadi"], f"got {names(index, q.entities)!r}"


def test_analyse_unknown_name_reported(index: Index) -> None:
    q = analyse("What is the capital of France?", index)
    assert q.unknown == ["France"], f"expected France unknown to the corpus, got {q.unknown!r}"


def test_analyse_us_pronoun_is_not_the_country(index: Index) -> None:
    q = analyse("can you tell us how many were killed?", index)
    assert not q.entities, f"expected no entity for the pronoun 'us', got {names(index, q.entities)!r}"


@pytest.mark.parametrize(
    ("question", "role", "office"),
    [
        ("Who is the railway minister?", "minister", ["railway"]),
        ("Who is Iraq's interior minister?", "minister", ["interior"]),  # the place constrains
        ("Who is the chief secretary?", "secretary", ["chief"]),
        ("Who is the head of the fire services?", "head", ["fire", "service"]),
        ("Who heads the fire services?", "head", ["fire", "service"]),
        ("Who is the leader of Kataib Hezbollah?", "leader", []),  # the group: checked in the discourse
        ("Who was the Kataib Hezbollah commander?", "commander", []),
        ("which militia commander was killed?", "commander", []),  # a type noun, not an office
        ("Who is the commander?", "commander", []),
    ],
)
def test_analyse_role_words_name_the_office(
    index: Index, question: str, role: str, office: list[str]
) -> None:
    q = analyse(question, index)
    assert (q.role, sorted(q.role_words)) == (role, sorted(office)), (
        f"{question!r}: expected role {role!r} with {office}, got {q.role!r} with {q.role_words}"
    )


@pytest.mark.parametrize(
    ("question", "measure", "unit"),
    [
        ("How far is the site from the capital?", "distance", None),
        ("How far is the town from the border, in miles?", "distance", "miles"),
        ("How big is the bounty, in dollars?", "money", "USD"),
        ("What was the quake's magnitude?", "magnitude", None),
        ("How many people were killed?", None, None),
        ("How fast was the train going when it crashed?", "speed", None),  # not a "when" question
        ("How many days did the siege last?", "duration", None),
    ],
)
def test_analyse_measure_questions_want_a_unit_family(
    index: Index, question: str, measure: str | None, unit: str | None
) -> None:
    q = analyse(question, index)
    assert (q.measure, q.unit) == (measure, unit), (
        f"{question!r}: expected {(measure, unit)}, got {(q.measure, q.unit)}"
    )
    assert (q.accept == {"measure"}) == bool(measure), f"{question!r}: accept {q.accept}"


@pytest.mark.parametrize(
    ("words", "name", "part"),
    [
        ("railway", "Indian Railways", True),  # "the railway minister": an office word
        ("the railway", "Indian Railways", True),
        ("Railways", "Indian Railways", False),  # capitalized: the name itself
        ("kh", "Kataib Hezbollah", False),  # an acronym of the name
        ("shabab", "Al Shabaab", False),  # the whole name, spelled otherwise
        ("indian railways", "Indian Railways", False),
    ],
)
def test_part_of_name(index: Index, words: str, name: str, part: bool) -> None:
    got = part_of_name(tokenize(words), name, index)
    assert got is part, f"{words!r} in {name!r}: expected part of the name {part}, got {got}"
