"""Names across the corpus: what kind each is, and which spellings and aliases are one.

Without a trained NER model, a capitalized span is typed by the evidence of all
its mentions in the corpus: a title before it ("President", "Sgt"), an age after
it ("Lopez, 46,"), an organization word in or after it ("Central Command",
"Liwa al-Nasr militia"), the gazetteer, a place word after it ("Zahra
neighbourhood"). A trained pipeline's NER labels count as strong evidence.

Aliases are merged when the corpus states them ("X (Y)", "also known as Y"),
when spellings fold to the same key (Liwa / Liwa' / LIWA'), when a short
person name is the end of a longer one (Al-Haddad -> Omar Khalil Hassan
Al-Haddad), and when two keys of the same kind differ by a typo.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from index import places
from index.lexicon import MODIFIED_NOUNS, PERSON_TITLES, ROLE_NOUNS
from index.terms import fold

# Role nouns that may end a capitalized run ("the Iraqi Prime Minister") and are not the name.
TRAILING_TITLES = {"president", "minister", "prime", "secretary", "spokesman", "spokeswoman",
                   "leader", "commander", "chief", "official", "officials"}  # fmt: skip
# Last words that make a name a place: "Middle East", "Red Sea", "Gaza Strip".
PLACE_HEADS = {"east", "sea", "gulf", "bank", "strip", "river", "ocean", "peninsula", "desert",
               "valley", "coast", "island", "islands", "lake", "mountains", "heights"}  # fmt: skip
ORG_HEADS = {
    "command", "corps", "department", "ministry", "brigades", "brigade", "forces", "force",
    "guard", "guards", "army", "council", "resistance", "group", "organization", "organisation",
    "party", "front", "agency", "house", "pentagon", "times", "post", "news", "committee",
    "coalition", "mobilisation", "mobilization", "nations", "union", "office", "court", "bank",
    "university", "institute", "company", "association", "movement", "militia", "network",
    "reuters", "press", "journal", "state", "authority", "service", "services",
    "parliament", "congress", "senate", "government", "administration", "navy", "commission",
    "hospital", "clinic", "school", "college", "academy", "seminary",
}  # fmt: skip
ORG_CUES = {
    "militia", "militias", "group", "groups", "organization", "organisation", "faction",
    "movement", "party", "network", "coalition", "alliance", "brigade", "agency", "ministry",
    "newspaper", "outlet", "paramilitary", "proxy", "rebels", "fighters",
}  # fmt: skip
PLACE_NOUNS = {
    "neighbourhood", "neighborhood", "district", "province", "city", "town", "village", "region",
    "area", "border", "capital", "governorate", "suburb", "camp", "outpost", "airport",
    "port", "county", "state", "strip", "valley", "desert", "coast", "sea", "base",
}  # fmt: skip
# "US base", "Iranian port": the noun may say whose, not where, so it does not make a place locative.
OWNED_PLACE_NOUNS = {"base", "camp", "outpost", "airport", "port", "state"}
LOCATIVE_PREPOSITIONS = {
    "in", "near", "at", "across", "inside", "outside", "throughout", "within", "into", "from",
    "around", "toward", "towards", "outskirts",
}  # fmt: skip


# Names compared with every later one at a time, for typos: bounds the score matrix (rows x names).
TYPO_ROWS = 512

Votes = defaultdict[str, float]  # evidence for each kind; a vote can be half-hearted (0.5)


def _add(total: Votes, more: Votes) -> None:
    for kind, weight in more.items():
        total[kind] += weight


class Entity(BaseModel):
    """A named thing of the corpus with every key it is written as."""

    id: str
    name: str
    kind: str  # "person", "org", "place", "norp" (nationality) or "other"
    keys: list[str]
    types: list[str] = []  # nouns the corpus calls it: "militia", "neighbourhood", "command"
    country: str | None = None  # places: ISO country code, when known
    is_country: bool = False
    gazetteer: bool = False  # places: known to the gazetteer (a country or city), not only the corpus
    parent: str | None = None  # places: the entity id of a place it lies in


@dataclass
class Occurrence:
    """One mention of a name in a passage, with the evidence around it."""

    passage: int
    mention: int
    text: str
    votes: Votes = field(default_factory=lambda: defaultdict(float))
    alias_texts: list[str] = field(default_factory=list)
    inside_text: str | None = None  # "X neighbourhood of Y": the Y this lies in
    types: set[str] = field(default_factory=set)  # nouns naming what it is, from this mention
    key: str | None = None  # name_key(text), when already computed


def type_nouns(tokens: list[str], start: int, end: int) -> set[str]:
    """Nouns the text uses for what a name is: "Liwa al-Nasr militia", "the militia,
    Liwa al-Nasr", "Liwa al-Nasr is a ... group", "Central Command", "Zahra neighbourhood"."""
    nouns = ORG_CUES | ORG_HEADS | PLACE_NOUNS | PLACE_HEADS
    found = {w for w in tokens[start:end][-1:] if w in nouns}
    after = tokens[end : end + 1]
    if after and after[0] in nouns:
        found.add(after[0])
    if start >= 2 and tokens[start - 1] == "," and tokens[start - 2] in nouns:
        found.add(tokens[start - 2])
    if after and after[0] in ("is", "was", "are"):
        found |= {w for w in tokens[end + 1 : end + 8] if w in ORG_CUES}
    k = end
    if k < len(tokens) and tokens[k] == "(":  # "Hashed al-Shaabi (Popular Mobilisation Force), an alliance"
        k = next((j + 1 for j in range(k, min(len(tokens), k + 10)) if tokens[j] == ")"), k)
    if tokens[k : k + 2] in ([",", "a"], [",", "an"], [",", "the"]):
        found |= {w for w in tokens[k + 2 : k + 5] if w in ORG_CUES | PLACE_NOUNS}
    return found


def name_key(text: str) -> str:
    """The comparison key of a name: folded, hyphens as spaces, no leading article or particle."""
    key = fold(re.sub(r"['’]s\b|['’](?=\s|$)", "", text.strip())).replace("-", " ").replace(".", "")
    key = re.sub(r"\s+", " ", key).strip()
    return re.sub(r"^(the|al|el) ", "", key)


def _acronym(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3,8}", text.replace(".", "")))


def evidence(tokens: list[str], start: int, end: int, ner_label: str | None) -> tuple[Votes, bool]:
    """Votes for person/org/place from the tokens around a span, and whether it is locative.

    `tokens` are the lower-cased surface words of the sentence; [start, end) the span.
    """
    votes: Votes = defaultdict(float)
    words = tokens[start:end]
    before = tokens[max(0, start - 3) : start]
    after = tokens[end : end + 4]
    if before and before[-1].rstrip(".") in PERSON_TITLES:
        votes["person"] += 3
    if words and words[0].rstrip(".") in PERSON_TITLES:
        votes["person"] += 3
    if len(after) >= 2 and after[0] == "," and after[1].isdigit() and int(after[1]) < 120:
        votes["person"] += 3
    if any(w in ORG_HEADS for w in words):
        votes["org"] += 3
    caps = [w for w in words if w[:1].isalpha() and w not in ("-",)]
    if len(caps) >= 3 and any(w in ("al", "bin", "ibn", "abu", "bint", "abd") for w in words):
        votes["person"] += 2  # "Omar Khalil Hassan Al-Haddad", "Abu Khalil Al-Haddad"
    for kind in _apposition_kinds(tokens, start, end):
        votes[kind] += 1.5  # "the head of the police, Joseph Boinet,"; "Atul Karwal, chief of ..."
    if after and after[0] in ORG_CUES:
        votes["org"] += 2
    if len(before) >= 2 and before[-1] == "," and before[-2] in ORG_CUES:
        votes["org"] += 2
    if (
        after
        and after[0] in ("is", "was", "are")
        and any(w in ORG_CUES for w in after[1:] + tokens[end + 4 : end + 8])
    ):
        votes["org"] += 2
    if after and after[0] in PLACE_NOUNS:
        votes["place"] += 2
    if len(words) > 1 and words[-1] in PLACE_HEADS:
        votes["place"] += 2
    locative = bool(before) and before[-1] in LOCATIVE_PREPOSITIONS
    if not locative and len(before) >= 2 and before[-2] in LOCATIVE_PREPOSITIONS:
        locative = before[-1] in ("the", "northeast", "northwest", "southeast", "southwest", "north",
                                  "south", "east", "west", "eastern", "western", "northern",
                                  "southern", "central", "northeastern", "northwestern")  # fmt: skip
    if locative:
        votes["place"] += 1
    if after and after[0] in PLACE_NOUNS - OWNED_PLACE_NOUNS:
        locative = True
    if after and after[0] in ("attack", "strike", "strikes", "bombing", "raid", "assault"):
        locative = True
    if after[:1] == ["-"] and len(after) > 1 and after[1].islower():
        locative = False  # "Iran-backed", "US-led": a modifier, not where something happened
    if after and after[0] in MODIFIED_NOUNS:
        locative = False
    if ner_label in ("PERSON",):
        votes["person"] += 4
    elif ner_label in ("ORG",):
        votes["org"] += 4
    elif ner_label in ("GPE", "LOC", "FAC"):
        votes["place"] += 4
    elif ner_label == "NORP":
        votes["norp"] += 4
    if after and after[0] in ("said", "says", "told", "confirmed", "reported", "announced"):
        votes["person"] += 0.5
        votes["org"] += 0.5
    return votes, locative


APPOSITION_REACH = 8  # words an apposition may run before its noun says what the name is
APPOSITION_ENDS = {",", ".", ";", ":", "(", ")", "said", "says", "told", "say", "tell"}  # words or lemmas
DETERMINERS = {"a", "an", "the"}
HEAD_ENDS = {"of", "in", "for", "at", "with", "from", "on", "who", "which", "that", "and"}


def _head(tokens: list[str], lo: int, hi: int) -> int | None:
    """Where the head noun of the phrase tokens[lo:hi] is: the last role, organization or
    place noun before the first preposition ("chief of the X", "a railroad ministry spokesperson")."""
    cut = next((k for k in range(lo + 1, hi) if tokens[k] in HEAD_ENDS), hi)
    return next((k for k in range(cut - 1, lo - 1, -1) if _noun_kind(tokens[k])), None)


def _noun_kind(word: str) -> str | None:
    """The kind of name a noun describes: "chief" a person, "militia" an organization."""
    if word in ROLE_NOUNS or word in PERSON_TITLES:
        return "person"
    if word in ORG_CUES or word in ORG_HEADS:
        return "org"
    if word in PLACE_NOUNS:
        return "place"
    return None


def _phrase_end(tokens: list[str], k: int) -> int:
    end = k
    while end < min(len(tokens), k + APPOSITION_REACH) and tokens[end] not in APPOSITION_ENDS:
        end += 1
    return end


def apposed_after(tokens: list[str], end: int) -> int | None:
    """Where the head noun of an apposition after a name is: "X, the commander of ...", "X, a
    Red Cross official,", "X, who is vice chairman of ..."; None without one."""
    k = end + 1 if tokens[end : end + 1] == [","] else end + 2 if tokens[end : end + 2] == [")", ","] else 0
    if not k:
        return None
    if tokens[k : k + 1] == ["who"] and k + 1 < len(tokens) and tokens[k + 1] in ("is", "was", "be"):
        k += 2  # a relative clause says what the person is
    elif not (k < len(tokens) and (tokens[k] in DETERMINERS or _noun_kind(tokens[k]))):
        return None
    return _head(tokens, k, _phrase_end(tokens, k))


def apposed_before(tokens: list[str], start: int) -> int | None:
    """Where the head noun of an apposition before a name is: "the head of the police, X"."""
    if start < 2 or tokens[start - 1] != ",":
        return None
    lo = start - 1
    while lo > max(0, start - 1 - APPOSITION_REACH) and tokens[lo - 1] not in APPOSITION_ENDS:
        lo -= 1
    at = next((k for k in range(lo, start - 1) if tokens[k] in DETERMINERS), None)
    if at is None:  # "the commander, X": without its determiner, only a noun right before the comma
        return start - 2 if _noun_kind(tokens[start - 2]) else None
    return _head(tokens, at + 1, start - 1)


def _apposition_kinds(tokens: list[str], start: int, end: int) -> list[str]:
    """The kinds the appositions beside a name give it ("who is ..." makes a person)."""
    found = [tokens[k] for k in (apposed_before(tokens, start), apposed_after(tokens, end)) if k is not None]
    kinds = [kind for w in found if (kind := _noun_kind(w))]
    if not found and tokens[end : end + 2] == [",", "who"]:
        kinds.append("person")
    return kinds


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _kind(votes: Votes, text: str) -> str:
    """The kind a name's accumulated evidence points to; gazetteer and demonyms first."""
    if len(text.split()) == 1 and places.demonym_country(text) and not places.lookup(text):
        return "norp"
    if name_key(text) in ("shiite", "sunni", "kurdish", "shia", "arab", "western"):
        return "norp"
    place = places.lookup(text)
    scored: Votes = defaultdict(float, votes)
    if place is not None:
        scored["place"] += 4 if place.is_country else 2
    if _acronym(text) and place is None:
        scored["org"] += 1
    if not scored:
        return "other"
    kind = max(scored, key=lambda k: scored[k])
    return kind if scored[kind] >= 1.5 else "other"


@dataclass
class Evidence:
    """What typing and merging names needs of every occurrence, gathered per name key.

    Occurrences are added in corpus order and need not be kept: a corpus of a million
    passages has millions of them, but only thousands of distinct names.
    """

    first_text: dict[str, str] = field(default_factory=dict)  # key -> its first occurrence's text
    votes: dict[str, Votes] = field(default_factory=dict)
    surfaces: dict[str, Counter[str]] = field(default_factory=dict)  # key -> displayed spellings, counted
    types: dict[str, set[str]] = field(default_factory=dict)
    aliases: dict[tuple[str, str], None] = field(default_factory=dict)  # (key, alias key), in order
    # (key, key of what holds it) of every occurrence saying so, in order: a link can take only
    # once an earlier one has placed its parent, so repeats are not redundant.
    inside: list[tuple[str, str]] = field(default_factory=list)

    def add(self, occ: Occurrence) -> str:
        """Add one occurrence; returns its name key ("" for a name that folds to nothing)."""
        key = occ.key if occ.key is not None else name_key(occ.text)
        if key:
            if key not in self.first_text:
                self.first_text[key] = occ.text
                self.votes[key] = defaultdict(float)
                self.surfaces[key] = Counter()
                self.types[key] = set()
            _add(self.votes[key], occ.votes)
            self.surfaces[key][_display(occ.text)] += 1
            self.types[key] |= occ.types
        for alias in occ.alias_texts:
            self.aliases[(key, name_key(alias))] = None
        if occ.inside_text:
            self.inside.append((key, name_key(occ.inside_text)))
        return key


def resolve(occurrences: list[Occurrence]) -> tuple[list[Entity], dict[int, str]]:
    """Entities from every name occurrence, and each occurrence's entity id (by position)."""
    evidence = Evidence()
    keys = [evidence.add(occ) for occ in occurrences]
    entities, entity_of_key = resolve_evidence(evidence)
    return entities, {n: entity_of_key[key] for n, key in enumerate(keys) if key in entity_of_key}


def resolve_evidence(evidence: Evidence) -> tuple[list[Entity], dict[str, str]]:
    """Entities from the evidence of every name, and the entity id of each name key."""
    from rapidfuzz import fuzz, process

    by_key = evidence.first_text  # in order of first occurrence
    votes = evidence.votes
    kinds = {key: _kind(votes[key], text) for key, text in by_key.items()}
    _surnames_alone(kinds)

    groups = _UnionFind()
    for key in by_key:
        groups.find(key)
    same_place: dict[tuple[str, bool], str] = {}
    for key in by_key:  # "US", "U.S." and "United States" are one country
        place = places.lookup(key) if kinds[key] == "place" else None
        if place is not None and place.is_country:
            first = same_place.setdefault((place.country, place.is_country), key)
            groups.union(first, key)
    for key, alias_key in evidence.aliases:  # aliases the corpus states
        if alias_key in by_key:
            groups.union(key, alias_key)
    keys = sorted(by_key, key=lambda k: (-len(k.split()), k))
    # The pairs below are found through indexes, not by comparing every key with every other:
    # thousands of names at 100k passages made those loops seconds. Keys are single-spaced words.
    people = [k for k in keys if kinds[k] == "person"]
    by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)  # (first word, last word) -> people
    ending: dict[str, list[str]] = defaultdict(list)  # the last words of a person's key -> people
    for key in people:
        words = key.split()
        if len(words) >= 2:
            by_ends[(words[0], words[-1])].append(key)
        for k in range(1, len(words)):
            ending[" ".join(words[k:])].append(key)
    for long_key in people:  # "Maria Elena Lopez" is "Maria Lopez" with a middle name
        words = long_key.split()
        if len(words) < 3:
            continue
        for other in by_ends[(words[0], words[-1])]:
            if other != long_key and set(other.split()) <= set(words):
                groups.union(long_key, other)
    for short in people:  # a person's short name is the end of their full name
        roots = {groups.find(k) for k in ending.get(short, ())}
        if len(roots) == 1:
            groups.union(roots.pop(), short)
    for kind in dict.fromkeys(kinds[k] for k in keys):  # typos and transliterations of one name
        same = [k for k in keys if kinds[k] == kind and len(k) >= 6] if kind != "other" else []
        for lo in range(0, len(same), TYPO_ROWS):  # rows at a time: the matrix is rows x names
            scores = process.cdist(same[lo : lo + TYPO_ROWS], same[lo:], scorer=fuzz.ratio, score_cutoff=90)
            for i, j in zip(*np.nonzero(scores >= 90), strict=True):
                if lo + i < lo + j:
                    groups.union(same[lo + i], same[lo + j])

    clusters: dict[str, list[str]] = defaultdict(list)
    for key in by_key:
        clusters[groups.find(key)].append(key)
    entities: list[Entity] = []
    entity_of_key: dict[str, str] = {}
    for members in clusters.values():
        surfaces: Counter[str] = Counter()
        for member in members:
            surfaces.update(evidence.surfaces[member])
        name = max(surfaces, key=lambda s: (not _acronym(s), len(s.split()), surfaces[s], len(s)))
        cluster_votes: Votes = defaultdict(float)
        for member in members:
            _add(cluster_votes, votes[member])
        kind_votes = Counter(kinds[k] for k in members)
        kind = _kind(cluster_votes, name)
        if kind == "other" and kind_votes:
            kind = kind_votes.most_common(1)[0][0]
        entity_id = f"E{len(entities)}"
        types = {t for member in members for t in evidence.types[member]}
        entity = Entity(id=entity_id, name=name, kind=kind, keys=sorted(members), types=sorted(types))
        if kind == "place":
            for candidate in [name_key(name), *members]:
                if place := places.lookup(candidate):
                    entity.country, entity.is_country = place.country, place.is_country
                    entity.gazetteer = True
                    break
        entities.append(entity)
        for member in members:
            entity_of_key[member] = entity_id
    _add_initialisms(entities, set(by_key))
    _link_places(entities, evidence.inside, entity_of_key)
    return entities, entity_of_key


def _surnames_alone(kinds: dict[str, str]) -> None:
    """Type as people the untyped names whose last word also stands alone as a name.

    News copy names a person in full once, then by surname ("Atul Karwal, ..." then
    "Karwal told ANI"); organizations and places are not called by their last word.
    Only names with nothing else to go on change, and only if no known place is involved.
    """
    for key, kind in list(kinds.items()):
        words = key.split()
        if kind not in ("other", "person") or not 2 <= len(words) <= 4:
            continue
        if any(w in ORG_HEADS or w in PLACE_HEADS for w in words):
            continue
        surname = words[-1]
        if len(surname) > 2 and kinds.get(surname) in ("other", "person") and places.lookup(surname) is None:
            kinds[key] = "person"
            kinds[surname] = "person"


def _add_initialisms(entities: list[Entity], taken: set[str]) -> None:
    """Let "kh" name Liwa al-Nasr, as people type in chat, when no other name claims it."""
    proposals: dict[str, list[Entity]] = defaultdict(list)
    for entity in entities:
        if entity.kind not in ("org", "person"):
            continue
        words = [
            w for w in name_key(entity.name).split() if w not in ("of", "the", "and", "al", "bin", "abu")
        ]
        if 2 <= len(words) <= 5:
            proposals["".join(w[0] for w in words)].append(entity)
    for key, owners in proposals.items():
        if len(owners) == 1 and key not in taken and key not in owners[0].keys:
            owners[0].keys.append(key)


def _display(text: str) -> str:
    """A mention as shown to users: "LIWA' al-Nasr" -> "Liwa' al-Nasr"."""
    words = text.split()

    def shouting(word: str) -> bool:  # "LIWA'"; not acronyms like "U.S." or "NORTHCOM"
        return word.isupper() and "." not in word and "'" in word

    if len(words) > 1 and any(shouting(w) for w in words) and not all(w.isupper() for w in words):
        words = [w.capitalize() if shouting(w) else w for w in words]
    return " ".join(words)


def _link_places(
    entities: list[Entity], inside: Iterable[tuple[str, str]], entity_of_key: dict[str, str]
) -> None:
    """Give a place the gazetteer does not know the place the corpus says it lies in."""
    by_id = {e.id: e for e in entities}
    for key, inside_key in inside:
        child = by_id.get(entity_of_key.get(key, ""))
        parent = by_id.get(entity_of_key.get(inside_key, ""))
        if child is None or parent is None or child is parent or child.kind != "place":
            continue
        if child.country is None and parent.country:
            child.parent = parent.id
            child.country = parent.country
