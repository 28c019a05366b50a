"""Event identity: which event the coverage is about, and whether a sentence is about it.

Coverage of one event keeps mentioning others: the attack this strike answered, an
earlier disaster, last year's siege. Their tolls and dates are not answers about the main
event, and must never show as a disagreement with it. The main event is read off the
coverage itself, with no list of names:

- its places: the places the articles' opening sentences locate things in, when at least
  a third of the articles name them there (with what contains them, by the place geometry);
- its year: the year most of the opening sentences' day-dates fall in (else the earliest
  publication year).

A sentence is about another event when it locates what it says only in places that are
disjoint from all the main places ("in Mandera" in coverage of Garissa), or dates it to
an earlier year than the event's ("the 2013 Westgate mall attack"). A question that
names another place or date asks about that event instead; extract.py applies that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from weakref import WeakKeyDictionary

import numpy as np

from index.passages import Mention, Passage
from index.places import compatible
from index.store import MENTION_KINDS, Index

OPENING_SENTENCES = 3  # the headline and lead: where an article says what it is about
# "attacks since October 18th": a date that opens a span leading up to the event, not another event
SPAN_OPENERS = {"since", "from", "until", "till", "through", "between"}
MAIN_PLACE_SHARE = 1 / 3
EVENT_TERM_SHARE = 1 / 2
# A fact dated over a week before the event's day is about an earlier one; a week, because a
# weekday ("said Friday") in an undated article may resolve to the week before.
EARLIER_DAYS = 8
YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
YEAR_OPENERS = {
    "in",
    "the",
    "of",
    "a",
    "an",
    "its",
    "during",
}  # of the articles that must open on a place for it to be the event's

_FRAMES: WeakKeyDictionary[Index, EventFrame] = WeakKeyDictionary()


@dataclass(frozen=True)
class EventFrame:
    """The main event of a corpus: its places (entity ids) and its year, when known."""

    places: frozenset[str]
    year: int | None
    day: str | None = None  # ISO date the openings name most
    # Words at least half the articles open with ("train", "crash"): they say which story, not which fact.
    terms: frozenset[str] = frozenset()

    def describe(self, index: Index) -> str:
        names = sorted(index.entities[e].name for e in self.places)
        return f"main event: places={names} year={self.year} day={self.day} words={sorted(self.terms)}"


def frame_of(index: Index) -> EventFrame:
    """The main event of the index's coverage (computed once per index)."""
    if index not in _FRAMES:
        _FRAMES[index] = _frame(index)
    return _FRAMES[index]


def _openings(index: Index) -> tuple[np.ndarray, np.ndarray]:
    """Each article's opening sentences, found from the per-article passage counts: their
    passage numbers in order, and the article (its rank in `index.articles`) each belongs to."""
    numbers: list[int] = []
    owners: list[int] = []
    start, total = 0, len(index)
    for rank, (doc_id, article) in enumerate(index.articles.items()):
        for n in range(start, min(start + article.passages, start + OPENING_SENTENCES, total)):
            if index.doc_id(n) == doc_id:
                numbers.append(n)
                owners.append(rank)
        start += article.passages
    return np.asarray(numbers, dtype=np.int64), np.asarray(owners, dtype=np.int64)


def _rows(ptr: np.ndarray, numbers: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a per-token (per-mention, per-place) column that belong to these passages, in
    passage order, and the article each row belongs to."""
    lo, hi = ptr[numbers].astype(np.int64), ptr[numbers + 1].astype(np.int64)
    lengths = hi - lo
    # Row k of passage j is lo[j] + k: the running offset of each passage's first row, repeated.
    firsts = np.cumsum(lengths) - lengths
    rows = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(lo - firsts, lengths)
    return rows, np.repeat(owners, lengths)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and each value's place among them. By sorting, not np.unique:
    that imports numpy.ma, 2 MB more for every process that answers."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    places = np.empty(len(values), dtype=np.int64)
    places[order] = np.cumsum(starts) - 1
    return ordered[starts], places


def _strings(index: Index, ids: np.ndarray) -> tuple[list[str | None], np.ndarray]:
    """String ids read as their strings: the distinct strings, and each id's place among them
    (one string always gets one place, whatever ids the string table gave it)."""
    distinct, inverse = _distinct(ids)
    names: list[str | None] = []
    place: dict[str | None, int] = {}
    remap = np.empty(len(distinct), dtype=np.int64)
    for k, n in enumerate(distinct.tolist()):
        name = index.string(n)
        if name not in place:
            place[name] = len(names)
            names.append(name)
        remap[k] = place[name]
    return names, remap[inverse]


def _articles_per_string(index: Index, ids: np.ndarray, owners: np.ndarray) -> dict[str | None, int]:
    """How many articles hold each string (of these rows' string ids)."""
    if not len(ids):
        return {}
    names, canonical = _strings(index, ids)
    width = int(owners.max()) + 1
    pairs, _ = _distinct(canonical * width + owners)  # each (string, article) once
    counts = np.bincount(pairs // width, minlength=len(names))
    return {names[k]: int(counts[k]) for k in np.flatnonzero(counts).tolist()}


def _most_common_day(index: Index, numbers: np.ndarray, owners: np.ndarray) -> str | None:
    """The day-precise date the openings state most often; among days as frequent, the one
    stated first."""
    a = index._a
    rows, _ = _rows(a["m_ptr"], numbers, owners)
    rows = rows[a["m_kind"][rows] == MENTION_KINDS.index("date")]
    if not len(rows):
        return None
    precisions, which = _strings(index, a["m_precision"][rows])
    rows = rows[which == precisions.index("day")] if "day" in precisions else rows[:0]
    if not len(rows):
        return None
    values, canonical = _strings(index, a["m_value"][rows])
    counts = np.bincount(canonical)
    first = np.full(len(values), len(canonical))
    np.minimum.at(first, canonical, np.arange(len(canonical)))
    best = max(range(len(values)), key=lambda k: (counts[k], -first[k]))
    return values[best]


def _frame(index: Index) -> EventFrame:
    # Read from the index's columns, not from assembled passages: the openings of 3,000 articles
    # took a second or more to assemble, paid by the first answer of every process.
    a = index._a
    numbers, owners = _openings(index)
    articles = len(index.articles)
    place_rows, place_owners = _rows(a["pl_ptr"], numbers, owners)
    place_articles = _articles_per_string(index, a["pl_entity"][place_rows], place_owners)
    tok_rows, tok_owners = _rows(a["tok_ptr"], numbers, owners)
    said = a["tok_stop"][tok_rows] == 0
    term_articles = _articles_per_string(index, a["tok_term"][tok_rows[said]], tok_owners[said])
    # Two articles at least (when there are two): one article's aside is not the event.
    needed = max(min(2, articles), math.ceil(MAIN_PLACE_SHARE * articles))
    places = frozenset(
        e for e, n in place_articles.items() if e is not None and n >= needed and e in index.entities
    )
    day = _most_common_day(index, numbers, owners)
    year = int(day[:4]) if day else _published_year(index)
    terms = frozenset(
        t for t, n in term_articles.items() if t is not None and n >= EVENT_TERM_SHARE * articles
    )
    return EventFrame(places=places, year=year, day=day, terms=terms)


def _published_year(index: Index) -> int | None:
    published = sorted(a.published for a in index.articles.values() if a.published)
    return int(published[0][:4]) if published else None


def is_main_place(frame: EventFrame, index: Index, place: str) -> bool:
    """Could something in this place be part of the main event (not disjoint from its places)?"""
    if not frame.places or place in frame.places:
        return True
    entities = index.entities
    return any(compatible(entities[place], entities[main], entities) is not False for main in frame.places)


def other_event(
    frame: EventFrame, index: Index, p: Passage, m: Mention, places: bool = True, years: bool = True,
    named: frozenset[str] = frozenset(),
) -> str | None:  # fmt: skip
    """Why the sentence's fact `m` is about another event than the main one, or None.

    Only the sentence's own statements count (places it locates things in, dates it
    states); a sentence that says neither is taken to be about the main event. `places`
    and `years` choose the tests: a question that names a place or a date decides those itself;
    one that names something the sentence names ("the Westgate attack") asks about its event.
    """
    if named and any(o.value in named for o in p.mentions):
        return None
    refs = [r for r in p.places if r.depth <= m.depth] or p.places
    in_text = {o.value for o in p.mentions if o.kind == "place"}  # "in Syria and Iraq": Iraq too
    located = in_text | {r.entity for r in refs}
    if places and refs and not any(is_main_place(frame, index, e) for e in located):
        names = ", ".join(sorted({index.entities[r.entity].name for r in refs}))
        return f"in {names}"
    if not years or frame.year is None:
        return None
    stated = [
        (o.value, o.text) for o in p.mentions
        if o.kind == "date" and o is not m and o.value[:4].isdigit()
        and not (o.tok > 0 and p.terms[o.tok - 1] in SPAN_OPENERS)
    ]  # fmt: skip
    # "the 2013 Westgate Mall attack": a bare year before a name is read as neither date nor count
    dated = {k for o in p.mentions if o.kind == "date" or o is m for k in range(o.tok, o.tok_end)}
    stated += [
        (t, t) for k, t in enumerate(p.terms)
        if YEAR_RE.match(t) and k > 0 and p.terms[k - 1] in YEAR_OPENERS and k not in dated
    ]  # fmt: skip
    if not stated:
        return None
    earlier = [text for value, text in stated if int(value[:4]) < frame.year]
    if len(earlier) == len(stated):
        return f"dated {earlier[0]}"
    if places and frame.day:
        # "Last month, attacks in Mandera killed twelve": before the event, so not the event.
        cutoff = (date.fromisoformat(frame.day) - timedelta(days=EARLIER_DAYS)).isoformat()
        # a month counts from its first day; a year alone was decided above
        first_days = [(value if len(value) >= 10 else f"{value[:7]}-01", text) for value, text in stated]
        before = [text for value, text in first_days if len(value) == 10 and value < cutoff]
        if len(before) == len(stated):
            return f"dated {before[0]}"
    return None
