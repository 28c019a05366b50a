"""Names across the corpus: their kind, and which spellings and aliases are one entity."""

from __future__ import annotations

import pytest

from index.entities import Entity, Occurrence, evidence, name_key, resolve
from index.store import Index


def entity_of(index: Index, name: str) -> Entity:
    entity_id = index.entity_keys.get(name_key(name))
    assert entity_id is not None, f"expected the seed corpus to name {name!r}, got no entity"
    return index.entities[entity_id]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kata'ib Hezbollah", "kataib hezbollah"),
        ("Kata’ib Hezbollah", "kataib hezbollah"),
        ("KATA'IB Hezbollah", "kataib hezbollah"),
        ("Kataib Hezbollah", "kataib hezbollah"),
        ("al-Mashtal", "mashtal"),
        ("the Pentagon", "pentagon"),
        ("U.S.", "us"),
        ("Wissam Muhammad Sabir Al-Saadi", "wissam muhammad sabir al saadi"),
    ],
)
def test_name_key_folds_spellings(text: str, key: str) -> None:
    assert name_key(text) == key, f"{text!r}: expected {key!r}, got {name_key(text)!r}"


@pytest.mark.parametrize(
    "names",
    [
        ["Wissam Muhammad Sabir Al-Saadi", "Abu Baqir Al-Saadi"],
        ["Kataib Hezbollah", "Kata'ib Hezbollah", "Kata’ib Hezbollah", "KATA'IB Hezbollah"],
        ["US", "U.S.", "United States"],
        ["CENTCOM", "US Central Command", "U.S. Central Command", "United States Central Command"],
        ["Mashtal", "al-Mashtal"],
        ["Biden", "Joe Biden"],
        ["Kataib Hezbollah", "Hezbollah Brigades"],  # "Also known as the Hezbollah Brigades, the group"
    ],
    ids=["al-saadi", "kataib", "united-states", "centcom", "mashtal", "biden", "hezbollah-brigades"],
)
def test_seed_aliases_are_one_entity(index: Index, names: list[str]) -> None:
    ids = {name: entity_of(index, name).id for name in names}
    assert len(set(ids.values())) == 1, f"expected one entity for {names!r}, got {ids!r}"


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("Abu Baqir Al-Saadi", "Wissam Muhammad Sabir Al-Saadi"),
        ("KATA'IB Hezbollah", "Kataib Hezbollah"),
        ("US", "United States"),
    ],
)
def test_seed_entity_name_is_fullest_form(index: Index, name: str, full: str) -> None:
    got = entity_of(index, name).name
    assert name_key(got) == name_key(full), f"{name!r}: expected shown as {full!r}, got {got!r}"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Wissam Muhammad Sabir Al-Saadi", "person"),
        ("William Rivers", "person"),
        ("John Kirby", "person"),
        ("Kataib Hezbollah", "org"),
        ("CENTCOM", "org"),
        ("Baghdad", "place"),
        ("Jordan", "place"),
        ("Mashtal", "place"),
        ("Iraqi", "norp"),
    ],
)
def test_seed_entity_kind(index: Index, name: str, kind: str) -> None:
    got = entity_of(index, name).kind
    assert got == kind, f"{name!r}: expected {kind!r}, got {got!r}"


def test_seed_places_know_their_country(index: Index) -> None:
    baghdad, jordan, mashtal = (entity_of(index, n) for n in ("Baghdad", "Jordan", "Mashtal"))
    assert (baghdad.country, baghdad.is_country) == ("IQ", False), (
        f"expected Baghdad a city in IQ, got {baghdad}"
    )
    assert (jordan.country, jordan.is_country) == ("JO", True), (
        f"expected Jordan the country JO, got {jordan}"
    )
    assert mashtal.country == "IQ", (
        f"expected Mashtal (in Baghdad, per the corpus) in IQ, got {mashtal.country!r}"
    )


def test_seed_us_is_not_the_pronoun_us(index: Index) -> None:
    # "us" (the pronoun) is a stop word; "US" the country is an entity key.
    assert "us" in index.entity_keys, "expected 'us' as a key of the United States"
    assert index.entities[index.entity_keys["us"]].kind == "place", "expected US to be a place"


def votes(text: str, start: int, end: int) -> dict[str, float]:
    tokens = text.lower().split()
    found, _ = evidence(tokens, start, end, None)
    return dict(found)


@pytest.mark.parametrize(
    ("text", "span", "kind"),
    [
        ("killed sgt william rivers , 46 , and", (2, 4), "person"),
        ("the kataib hezbollah militia said", (1, 3), "org"),
        ("the us central command said", (1, 4), "org"),
        ("in the mashtal neighbourhood of baghdad", (2, 3), "place"),
        # appositions: the head noun of the phrase beside the name says what it is
        ("atul karwal , chief of the national disaster response force said", (0, 2), "person"),
        ("arnolda shiundu , a kenyan red cross official , told", (0, 2), "person"),
        ("amitabh sharma , a railroad ministry spokesperson , said", (0, 2), "person"),
        ("said wetangula , who is vice chairman of the union", (1, 2), "person"),
        ("the head of kenya ' s police force , joseph boinet , said", (9, 11), "person"),
        ("d b shinde , administrator of the state ' s district", (0, 3), "person"),
        ("kataib hezbollah , the militia group , said", (0, 2), "org"),
        # a facility's name ends in what it is
        ("treated at garissa level five hospital , officials said", (2, 6), "org"),
        ("a teacher at the lakeside islamic school .", (4, 7), "org"),
    ],
)
def test_evidence_votes_for_kind(text: str, span: tuple[int, int], kind: str) -> None:
    got = votes(text, *span)
    assert got and max(got, key=got.__getitem__) == kind, (
        f"{text!r}: expected most votes for {kind!r}, got {got!r}"
    )


@pytest.mark.parametrize(
    ("text", "span", "locative"),
    [
        ("a drone strike in baghdad has killed", (4, 5), True),
        ("an attack on the jordan base", (4, 5), False),
        ("according to us officials ,", (2, 3), False),
        ("the iran - backed militia", (1, 2), False),
    ],
)
def test_evidence_locative_only_where_it_says_where(text: str, span: tuple[int, int], locative: bool) -> None:
    _, got = evidence(text.lower().split(), *span, None)
    assert got == locative, f"{text!r}: expected locative={locative}, got {got}"


def test_resolve_merges_stated_alias_and_spellings() -> None:
    occurrences = [
        Occurrence(
            passage=0, mention=0, text="Wissam Muhammad Sabir Al-Saadi", alias_texts=["Abu Baqir Al-Saadi"]
        ),
        Occurrence(passage=0, mention=1, text="Abu Baqir Al-Saadi"),
        Occurrence(passage=1, mention=0, text="Kata'ib Hezbollah"),
        Occurrence(passage=2, mention=0, text="KATA'IB Hezbollah"),
        Occurrence(passage=3, mention=0, text="Kataib Hezbollah"),
    ]
    occurrences[0].votes["person"] += 3
    for occ in occurrences[2:]:
        occ.votes["org"] += 3
    found, assigned = resolve(occurrences)
    assert assigned[0] == assigned[1], f"expected the stated alias merged, got {assigned!r}"
    assert assigned[2] == assigned[3] == assigned[4], f"expected one Kataib entity, got {assigned!r}"
    assert assigned[0] != assigned[2], "expected a person and an organization kept apart"
    names = {e.id: e.name for e in found}
    assert names[assigned[0]] == "Wissam Muhammad Sabir Al-Saadi", f"expected the full name, got {names!r}"


def test_resolve_types_a_name_as_person_when_its_surname_stands_alone() -> None:
    occurrences = [
        Occurrence(passage=0, mention=0, text="Atul Karwal"),
        Occurrence(passage=1, mention=0, text="Karwal"),
        Occurrence(passage=2, mention=0, text="Disaster Response Force"),
        Occurrence(passage=3, mention=0, text="Force"),
    ]
    found, assigned = resolve(occurrences)
    kinds = {e.id: e.kind for e in found}
    assert assigned[0] == assigned[1], f"expected the surname merged with the full name, got {assigned!r}"
    assert kinds[assigned[0]] == "person", f"expected a person, got {kinds[assigned[0]]!r}"
    assert kinds[assigned[2]] != "person", f"expected an organization not made a person, got {kinds!r}"
