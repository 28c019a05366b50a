"""The gazetteer: which country a place lies in, short country names, demonyms, capitals."""

from __future__ import annotations

import pytest

from index.entities import Entity, name_key
from index.places import capital_of, compatible, contains, demonym_country, lookup
from index.store import Index


@pytest.mark.parametrize(
    ("name", "country", "is_country"),
    [
        ("Baghdad", "IQ", False),
        ("Jordan", "JO", True),  # the country, not a city named Jordan
        ("Iraq", "IQ", True),
        ("Syria", "SY", True),
        ("US", "US", True),
        ("U.S.", "US", True),
        ("United States", "US", True),
        ("the United States", "US", True),
        ("Lebanon", "LB", True),
    ],
)
def test_lookup_knows_country(name: str, country: str, is_country: bool) -> None:
    place = lookup(name)
    assert place is not None, f"expected {name!r} in the gazetteer, got None"
    assert (place.country, place.is_country) == (country, is_country), (
        f"{name!r}: expected ({country!r}, {is_country}), got ({place.country!r}, {place.is_country})"
    )


@pytest.mark.parametrize("name", ["Hezbollah", "Kataib Hezbollah", "CENTCOM", "Pentagon"])
def test_lookup_non_places_are_unknown(name: str) -> None:
    assert lookup(name) is None, f"expected {name!r} not to be a place, got {lookup(name)!r}"


@pytest.mark.parametrize(
    ("word", "country"),
    [("Iraqi", "IQ"), ("Jordanian", "JO"), ("Syrian", "SY"), ("Iranian", "IR"), ("American", "US")],
)
def test_demonym_country(word: str, country: str) -> None:
    assert demonym_country(word) == country, f"{word!r}: expected {country!r}, got {demonym_country(word)!r}"


@pytest.mark.parametrize("word", ["Hezbollah", "militia", "Biden"])
def test_demonym_country_non_demonym_is_none(word: str) -> None:
    assert demonym_country(word) is None, f"{word!r}: expected None, got {demonym_country(word)!r}"


def test_capital_of_iraq_is_baghdad() -> None:
    capital = capital_of("IQ")
    assert capital is not None and capital.name == "Baghdad", f"expected Baghdad, got {capital!r}"


def entity(index: Index, name: str) -> Entity:
    return index.entities[index.entity_keys[name_key(name)]]


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        ("Baghdad", "Jordan", False),
        ("Baghdad", "Iraq", True),
        ("Mashtal", "Baghdad", True),
        ("Mashtal", "Iraq", True),
        ("Syria", "Iraq", False),
        ("Iraq", "Iraq", True),
    ],
)
def test_compatible_places(index: Index, a: str, b: str, verdict: bool) -> None:
    got = compatible(entity(index, a), entity(index, b), index.entities)
    assert got == verdict, f"compatible({a}, {b}): expected {verdict}, got {got}"


@pytest.mark.parametrize(
    ("outer", "inner", "verdict"),
    [
        ("Iraq", "Baghdad", True),
        ("Baghdad", "Mashtal", True),
        ("Jordan", "Baghdad", False),
        ("Baghdad", "Iraq", False),
    ],
)
def test_contains_places(index: Index, outer: str, inner: str, verdict: bool) -> None:
    got = contains(entity(index, outer), entity(index, inner), index.entities)
    assert got == verdict, f"contains({outer}, {inner}): expected {verdict}, got {got}"
