"""The lexicon: closed word lists, the synonym file, and expanding a term through its groups."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.lexicon import (
    AMBIGUOUS_MONTHS,
    MONTHS,
    QUALIFIERS,
    SAFE_MONTHS,
    TITLE_ABBREVIATIONS,
    has_phrase,
    load_lexicon,
    phrases,
    synonyms,
)
from index.normalize import parse_count
from index.store import Index


def test_safe_months_leave_out_verbs() -> None:
    assert not set(SAFE_MONTHS) & set(AMBIGUOUS_MONTHS), "expected 'may' and 'march' out of SAFE_MONTHS"
    assert set(SAFE_MONTHS) | set(AMBIGUOUS_MONTHS) == set(MONTHS), "expected every month in one of the lists"


def test_title_abbreviations_end_with_a_dot() -> None:
    bad = [a for a in TITLE_ABBREVIATIONS if not a.endswith(".")]
    assert not bad, f"expected every abbreviation to end with '.', got {bad!r}"


@pytest.mark.parametrize("qualifier", QUALIFIERS)
def test_every_qualifier_is_parsed(qualifier: str) -> None:
    count = parse_count(f"{qualifier} 40")
    assert count is not None and count.qualifier == qualifier, f"expected ({qualifier!r}, 40), got {count!r}"


def test_load_lexicon_reads_groups_and_exclusive(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(
        '[groups]\nkill = ["kill", "dead"]\ninjure = ["injure", "wound"]\n\n'
        '[exclusive]\ncasualties = ["kill", "injure"]\n',
        encoding="utf-8",
    )
    groups, exclusive = load_lexicon(path)
    assert groups == {"kill": ["kill", "dead"], "injure": ["injure", "wound"]}, f"got {groups!r}"
    assert exclusive == {"casualties": ["kill", "injure"]}, f"got {exclusive!r}"


@pytest.mark.parametrize(
    ("content", "groups", "exclusive", "warning"),
    [
        ("[groups\nkill = [", {}, {}, "not valid TOML"),
        ('[groups]\nkill = "kill"\nhurt = ["hurt"]\n', {"hurt": ["hurt"]}, {}, "groups.kill"),
        ('groups = ["kill"]\n', {}, {}, "[groups]"),
        (
            '[groups]\nkill = ["kill"]\n[exclusive]\nset = ["kill", "maim"]\n',
            {"kill": ["kill"]},
            {"set": ["kill"]},
            "maim",
        ),
    ],
    ids=["broken-toml", "group-not-a-list", "groups-not-a-table", "unknown-exclusive-group"],
)
def test_load_lexicon_broken_parts_ignored_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str, groups, exclusive, warning: str
) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        got = load_lexicon(path)
    assert got == (groups, exclusive), f"expected {(groups, exclusive)!r}, got {got!r}"
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert warning in warned, f"expected a warning mentioning {warning!r}, got {warned!r}"


def test_load_lexicon_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_lexicon(tmp_path / "lexicon.toml") == ({}, {}), "expected no synonyms without a lexicon"


def test_synonyms_from_lexicon_group(index: Index) -> None:
    found = synonyms("kill", index)
    assert {"die", "dead", "perish", "casualty"} <= found, f"expected death words, got {sorted(found)!r}"
    assert "kill" not in found, "expected the term itself left out"
    assert "injure" not in found, "expected injured kept apart from killed"


def test_phrases_multi_word_entries(index: Index) -> None:
    got = phrases("troop", index)
    assert ["service", "member"] in got, f"expected 'service member' for 'troop', got {got!r}"


def test_has_phrase_terms_in_a_row() -> None:
    terms = ["it", "claim", "the", "life", "of", "three"]
    assert has_phrase(terms, ["claim", "the", "life"]), "expected the phrase found in a row"
    assert not has_phrase(terms, ["claim", "life"]), "expected no match when the terms are not adjacent"
