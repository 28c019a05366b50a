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
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from weakref import WeakKeyDictionary

from index.passages import Mention, Passage
from index.places import compatible
from index.store import Index

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


def _openings(index: Index) -> dict[str, list[Passage]]:
    """Each article's opening sentences, found from the per-article passage counts."""
    found: dict[str, list[Passage]] = {}
    start = 0
    for doc_id, article in index.articles.items():
        numbers = range(start, min(start + article.passages, start + OPENING_SENTENCES, len(index)))
        passages = [index.passage(n) for n in numbers]
        found[doc_id] = [p for p in passages if p.doc_id == doc_id]
        start += article.passages
    return found


def _frame(index: Index) -> EventFrame:
    openings = _openings(index)
    place_articles: Counter[str] = Counter()
    days: Counter[str] = Counter()
    term_articles: Counter[str] = Counter()
    for passages in openings.values():
        place_articles.update({r.entity for p in passages for r in p.places})
        term_articles.update(
            {t for p in passages for t, stop in zip(p.terms, p.stops, strict=True) if not stop}
        )
        for p in passages:
            days.update(m.value for m in p.mentions if m.kind == "date" and m.precision == "day")
    # Two articles at least (when there are two): one article's aside is not the event.
    needed = max(min(2, len(openings)), math.ceil(MAIN_PLACE_SHARE * len(openings)))
    places = frozenset(e for e, n in place_articles.items() if n >= needed and e in index.entities)
    day = days.most_common(1)[0][0] if days else None
    year = int(day[:4]) if day else _published_year(index)
    terms = frozenset(t for t, n in term_articles.items() if n >= EVENT_TERM_SHARE * len(openings))
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
