"""The lexicon: the words answering and indexing agree on, and the synonym groups.

One place for what both sides of the project read as vocabulary:
- closed word classes of English news copy (months, qualifiers, titles), shared by
  the spaCy rules and the normalizers at index time;
- word sets that type names at index time and read questions at answer time
  (person titles, role nouns, nouns a place name modifies);
- config/lexicon.toml, read when the index is built, and the helpers that expand a
  term through its synonym groups at answer time.

It imports neither spaCy nor anything of bot/, so answering can use it freely.
"""

from __future__ import annotations

import logging
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Protocol


class SynonymTables(Protocol):
    """What the synonym helpers read: an `index.store.Index` (which imports this module, via
    entities.py, so it is named here by shape rather than imported)."""

    @property
    def groups(self) -> dict[str, list[list[str]]]: ...

    @property
    def groups_of_term(self) -> dict[str, list[str]]: ...


log = logging.getLogger(__name__)

WORDS_FILE = Path(__file__).parent / "data" / "words.toml"


@cache
def _word_table() -> dict[str, Any]:
    """index/data/words.toml, parsed once per process (each list used to parse it again)."""
    return tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))


@cache
def words(name: str) -> list[str]:
    """A closed word list from index/data/words.toml (package data, loaded once).

    Raises KeyError naming the list and the file when it is missing: a broken install,
    not something to answer around.
    """
    table = _word_table()
    if name not in table:
        raise KeyError(f"{WORDS_FILE} has no word list {name!r}; reinstall Crosscheck or restore the file")
    return [str(w) for w in table[name]]


@cache
def word_set(name: str) -> frozenset[str]:
    """The same list as a set, for membership tests on hot paths (built once per list)."""
    return frozenset(words(name))


# --- Closed word classes ---------------------------------------------------------------------------

MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
]  # fmt: skip
# "May" and "March" are also a verb and a verb/noun: only taken with a day or year.
AMBIGUOUS_MONTHS = ["may", "march", "mar", "mar."]
SAFE_MONTHS = [m for m in MONTHS if m not in AMBIGUOUS_MONTHS]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PARTS_OF_DAY = ["morning", "afternoon", "evening", "night"]
PERIODS = ["week", "month", "year", "weekend"]

QUALIFIERS = [
    "at least", "at most", "more than", "less than", "fewer than", "over", "under", "up to",
    "around", "about", "nearly", "almost", "approximately", "roughly", "some", "another",
    "an estimated", "as many as", "as few as", "no fewer than", "no more than", "upwards of",
    "close to", "just over", "just under", "an additional", "a further", "only", "exactly",
    "a total of", "in excess of", "well over", "estimated",
]  # fmt: skip

# Titles that precede names in news copy; their abbreviated forms end in "." and
# must not end a sentence.
TITLE_ABBREVIATIONS = [
    "Sgt.", "Spc.", "Spec.", "Pfc.", "Pvt.", "Cpl.", "Maj.", "Col.", "Lt.", "Capt.", "Gen.",
    "Adm.", "Brig.", "Cmdr.", "Sen.", "Rep.", "Gov.", "Amb.", "Prof.", "Rev.", "Supt.",
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Gens.", "Sgts.", "Lt.Col.", "No.",
]  # fmt: skip

NAME_PARTICLES = ["al", "el", "bin", "ibn", "bint", "abu", "abd", "of", "de", "la", "van", "von"]

# --- Word sets for names, shared by entity typing and question analysis ---------------------------

PERSON_TITLES = {
    "president", "vice", "sgt", "sergeant", "specialist", "spc", "spec", "pfc", "pvt", "private",
    "cpl", "corporal", "maj", "major", "col", "colonel", "lt", "lieutenant", "capt", "captain",
    "gen", "general", "adm", "admiral", "brig", "cmdr", "sen", "senator", "rep", "representative",
    "gov", "governor", "mr", "mrs", "ms", "dr", "prof", "secretary", "minister", "premier",
    "spokesman", "spokeswoman", "spokesperson", "leader", "commander", "chief", "official",
    "envoy", "ambassador", "director", "chairman", "king", "queen", "prince", "sheikh",
    "ayatollah", "cleric", "pope", "mayor", "judge", "prime", "deputy", "soldier", "cardinal",
    "lord", "sir", "emir", "sultan",
}  # fmt: skip
ROLE_NOUNS = {"commander", "leader", "chief", "head", "spokesman", "spokeswoman", "spokesperson",
              "president", "minister", "secretary", "official", "founder", "member", "soldier",
              "specialist", "sergeant", "deputy", "director", "envoy", "ambassador", "administrator",
              "chairman", "chairwoman", "chairperson", "governor", "mayor", "collector", "magistrate",
              "superintendent", "inspector", "commissioner", "coordinator", "principal", "chancellor",
              "captain", "pilot", "driver", "manager", "officer", "mastermind"}  # fmt: skip
# "in US custody", "to Iraqi officials": a place name before one of these says whose, not where.
MODIFIED_NOUNS = {
    "official", "officials", "troops", "troop", "forces", "force", "military", "soldiers",
    "soldier", "service", "servicemembers", "personnel", "government", "president", "leaders",
    "leader", "officers", "army", "navy", "drone", "drones", "airstrike", "airstrikes", "embassy",
    "ambassador", "envoy", "diplomats", "citizens", "intelligence", "support", "militia",
    "militias", "authorities", "media", "custody", "counterparts", "allies", "proxies",
}  # fmt: skip


# --- Synonym groups (config/lexicon.toml) ----------------------------------------------------------


def load_lexicon(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Synonym groups and exclusive sets from config/lexicon.toml.

    A broken file or entry is reported and ignored: answering works without synonyms.
    """
    if not path.is_file():
        return {}, {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        log.warning("Ignoring %s: it is not valid TOML (%s). Fix it to use synonyms.", path, exc)
        return {}, {}
    tables = []
    for section in ("groups", "exclusive"):
        table = data.get(section, {})
        if not isinstance(table, dict):
            log.warning("Ignoring [%s] in %s: it must be a table of name = [words].", section, path)
            table = {}
        clean: dict[str, list[str]] = {}
        for name, words in table.items():
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                clean[name] = words
            else:
                log.warning("Ignoring %s.%s in %s: it must be a list of words.", section, name, path)
        tables.append(clean)
    groups, exclusive = tables
    for name, members in exclusive.items():
        unknown = [m for m in members if m not in groups]
        if unknown:
            log.warning("[exclusive] %s in %s names groups that do not exist: %s", name, path, unknown)
            exclusive[name] = [m for m in members if m in groups]
    return groups, exclusive


def has_phrase(terms: list[str], phrase: list[str]) -> bool:
    """Does the term sequence contain the phrase's terms in a row?"""
    n = len(phrase)
    return any(terms[i : i + n] == phrase for i in range(len(terms) - n + 1))


def synonyms(term: str, index: SynonymTables, narrow: bool = False) -> set[str]:
    """One-word entries sharing a synonym group with `term` (not `term` itself).

    `narrow` keeps only the smallest group holding it: "sergeant" is in both
    [sergeant, sgt] and the wider soldier group; a question about a sergeant means the first.
    """
    groups = index.groups_of_term.get(term, [])
    if narrow and groups:
        groups = [min(groups, key=lambda g: len(index.groups[g]))]
    found = {p[0] for g in groups for p in index.groups[g] if len(p) == 1}
    found.discard(term)
    return found


def phrases(term: str, index: SynonymTables) -> list[list[str]]:
    """Multi-word entries sharing a group with `term` ("service member" for "troop")."""
    return [p for g in index.groups_of_term.get(term, []) for p in index.groups[g] if len(p) > 1]
