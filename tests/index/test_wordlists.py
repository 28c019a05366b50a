"""Closed word lists shared by the spaCy rules and the normalizers."""

from __future__ import annotations

import pytest

from index.normalize import parse_count
from index.wordlists import AMBIGUOUS_MONTHS, MONTHS, QUALIFIERS, SAFE_MONTHS, TITLE_ABBREVIATIONS


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
