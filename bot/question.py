"""Question analysis: what kind of answer is wanted, about what, and under which constraints.

"How many were killed in Baghdad?" -> kind number, focus [kill], place Baghdad.
"How many US troops are in Iraq?" -> kind number, counted noun [troop], place Iraq
(US modifies "troops", so it is a term, not a place constraint).
"Who was the commander killed in the strike?" -> kind person, role commander.

Everything here is rules over the question's tokens plus the index's own tables
(lemmas, entity names, vocabulary); no spaCy at question time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.models import Kind
from index.entities import MODIFIED_NOUNS, ROLE_NOUNS, name_key
from index.store import Index
from index.terms import Token, tokenize

# Checked in order; the first that matches decides the kind.
KIND_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("time", re.compile(r"\b(what|which|at what) (time|hour)\b|\btime (of|did|was)\b|^time\b")),
    ("number", re.compile(
        r"\bhow (many|much|old|large|big)\b|\bnumber of\b|\b(death|casualty) (toll|count|figure)\b"
        r"|\btoll\b|\bcount of\b|\b(what|which) (number|figure|total)\b|\bhow many\b"
    )),
    ("organization", re.compile(
        r"\b(which|what) (\w+ )?(group|militia|organi[sz]ation|agency|outlet|newspaper|faction|command"
        r"|unit|party|movement|department|ministry|force)s?\b"
    )),
    ("place", re.compile(
        r"\bwhere\b|\b(which|what|in which|in what) (\w+ )?(city|town|country|neighbou?rhood|district|area"
        r"|province|region|base|place|location|site|village|capital|outpost|border)\b"
    )),
    ("date", re.compile(
        r"\bwhen\b|\b(what|which|on what|on which) (date|day|month|year)\b|\bdate of\b|^(date|day)\b"
    )),
    ("person", re.compile(r"\bwho(m|se)?\b|\bname of the\b|^name\b|\bwhich (person|official|soldier|commander|leader)s?\b")),
]  # fmt: skip

QUESTION_WORDS = {
    "how", "many", "much", "what", "when", "where", "which", "who", "whom", "whose", "why",
    "name", "number", "date", "time", "day", "year", "month", "hour", "happen", "occur", "take",
    "place", "article", "articles", "coverage", "source", "sources", "report", "reports", "say",
    "tell", "according", "exactly", "approximately", "total", "figure", "count", "do", "be",
}  # fmt: skip
# "How many people were killed": "people" does not narrow what is counted.
GENERIC_COUNTED = {"people", "person", "persons", "individual", "individuals", "one", "ones"}
PLACE_WORDS = {
    "city", "town", "country", "neighbourhood", "neighborhood", "district", "area", "province",
    "region", "base", "place", "location", "site", "village", "capital", "outpost", "border",
}  # fmt: skip
SLACK_MARKUP_RE = re.compile(r"<(?:[@#!][^>|]*)(?:\|([^>]*))?>")
SLACK_LINK_RE = re.compile(r"<(https?://[^>|]+)(?:\|([^>]*))?>")


@dataclass
class Question:
    """A question, analysed."""

    text: str
    kind: Kind
    accept: set[str]  # mention kinds that can answer it
    focus: list[str]  # content terms the answer must sit near
    counted: list[str] = field(default_factory=list)  # "how many rockets" -> [rocket]
    role: str | None = None  # "who was the commander" -> commander
    entities: list[str] = field(default_factory=list)  # entity ids named in the question
    places: list[str] = field(default_factory=list)  # place entity ids that constrain the answer
    inside: bool = False  # "where in Baghdad": the answer lies inside the place
    unknown: list[str] = field(default_factory=list)  # names the corpus never mentions
    missing: list[str] = field(default_factory=list)  # content words the corpus never uses
    entity_terms: list[str] = field(default_factory=list)


def clean_question(raw: str) -> str:
    """Plain text of a question: Slack markup resolved, control characters and extra spaces gone."""
    text = SLACK_LINK_RE.sub(lambda m: m.group(2) or m.group(1), raw)
    text = SLACK_MARKUP_RE.sub(lambda m: m.group(1) or "", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = "".join(c if c.isprintable() or c in "\t\n" else " " for c in text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return " ".join(text.split())


def detect_kind(lowered: str) -> Kind:
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(lowered):
            return kind
    return "other"


def analyse(raw: str, index: Index) -> Question:
    """Analyse a (cleaned) question against the index's vocabulary and entities."""
    text = clean_question(raw)
    lowered = text.lower()
    kind = detect_kind(lowered)
    tokens = [t for t in tokenize(text)]
    words = [t for t in tokens if t.kind != "punct"]
    maker = index.term_maker
    consumed: set[int] = set()
    entity_ids, places, entity_terms = _entities(words, index, consumed)
    terms = [maker.term(w) for w in words]
    lowers = [w.text.lower() for w in words]

    counted: list[str] = []
    role: str | None = None
    for i, low in enumerate(lowers):
        if kind == "number" and low in ("many", "much", "of") and i > 0 and lowers[i - 1] in ("how", "number"):
            counted = _noun_run(words, terms, i + 1, consumed, maker)
            break
    if kind in ("person", "organization", "other", "place"):
        role = next((terms[i] for i in range(len(words)) if terms[i] in ROLE_NOUNS and i not in consumed), None)
        if role is None and "head" in terms and kind == "person":
            role = "leader"  # "who heads X"
    counted = [c for c in counted if c not in GENERIC_COUNTED]

    focus = []
    missing = []
    unknown = []
    for i, (word, term) in enumerate(zip(words, terms, strict=True)):
        if i in consumed or maker.is_stop(word) or term in QUESTION_WORDS:
            continue
        if term in PLACE_WORDS and kind == "place":
            continue
        if not index.postings.has(term) and term not in index.groups_of_term:
            if word.text[:1].isupper() and i > 0:
                unknown.append(word.text)
            else:
                missing.append(word.text)
            continue
        if term not in focus:
            focus.append(term)

    accept = {
        "number": {"count"}, "date": {"date"}, "time": {"time"}, "place": {"place"},
        "organization": {"org"}, "person": {"person"} if role else {"person", "org"},
        "other": {"person", "org", "place", "other"},
    }[kind]  # fmt: skip
    inside = kind == "place" and bool(re.search(r"\bwhere in\b|\b(which|what) part of\b", lowered))
    return Question(
        text=text, kind=kind, accept=accept, focus=focus, counted=counted, role=role,
        entities=entity_ids, places=places, inside=inside, unknown=unknown, missing=missing,
        entity_terms=entity_terms,
    )  # fmt: skip


def _noun_run(words: list[Token], terms: list[str], start: int, consumed: set[int], maker) -> list[str]:
    """The words after "how many" that name what is counted, up to a verb-like stop word."""
    run = []
    for k in range(start, min(len(words), start + 4)):
        if maker.is_stop(words[k]) and k not in consumed:
            break
        if k not in consumed:
            run.append(terms[k])
    return run


def _entities(words: list[Token], index: Index, consumed: set[int]) -> tuple[list[str], list[str], list[str]]:
    """Entity ids the question names (exactly or by a close spelling), its place constraints,
    and the search terms of those entities. Marks the words they use as consumed."""
    keys = index.entity_keys
    found: list[tuple[int, int, str]] = []
    n = len(words)
    for size in range(min(5, n), 0, -1):
        for start in range(0, n - size + 1):
            span = range(start, start + size)
            if any(k in consumed for k in span):
                continue
            window = words[start : start + size]
            if size == 1 and index.term_maker.is_stop(window[0]):
                continue  # "us" the pronoun is not "US" the country
            key = name_key(" ".join(w.text for w in window))
            entity = keys.get(key)
            if entity is None and len(key) >= 5 and any(w.text[:1].isupper() for w in window) | (size == 1):
                entity = _fuzzy(key, index)
            if entity is not None:
                found.append((start, start + size, entity))
                consumed.update(span)
    found.sort()
    entity_ids: list[str] = []
    places: list[str] = []
    terms: list[str] = []
    for start, end, entity_id in found:
        if entity_id not in entity_ids:
            entity_ids.append(entity_id)
        entity = index.entities[entity_id]
        following = words[end].text.lower() if end < n else ""
        if entity.kind == "place" and following not in MODIFIED_NOUNS and entity_id not in places:
            places.append(entity_id)
        terms += [index.term_maker.term(w) for w in words[start:end] if not index.term_maker.is_stop(w)]
    return entity_ids, places, terms


def _fuzzy(key: str, index: Index) -> str | None:
    """An entity whose name is a near spelling of `key` ("bagdad" -> Baghdad), if any."""
    from rapidfuzz import fuzz, process

    if index.postings.has(key):  # an ordinary word of the corpus, not a misspelled name
        return None
    match = process.extractOne(key, list(index.entity_keys), scorer=fuzz.ratio, score_cutoff=84)
    return index.entity_keys[match[0]] if match else None
