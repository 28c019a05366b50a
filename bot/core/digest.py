"""The disagreement digest: every fact the articles differ on, found without a question.

For each place the coverage names and each thing counted or dated
(config/digest.toml: "how many were killed in {place}?", "when was the {event} in
{place}?"), the digest asks the answering core itself, so every gate that keeps an
answer honest (what a number counts, which place and event it belongs to) keeps the
digest honest too. Questions whose place and subject no two articles share are never
asked: a look at the postings, mapped to articles, rules them out first.

A fact whose answers differ between articles is a `Disagreement`; one where every
article agrees is only counted. The same difference found through several places
("in Mosul", "in Iraq") or event words ("attack", "strike") is listed once, under
the most articles and then the narrowest place. Each entry says whether it reads as
an update over time (later articles, or wording such as "rose to", "revised") or as
sources disagreeing at the same time.

The digest of an index is computed once and kept, in memory and beside the index
file (keyed by the index's fingerprint and this file's settings), so the CLI, Slack
and App Home read it in milliseconds after the first time.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, Field, ValidationError

import bot.core.claims as claims
from bot.core.extract import Candidate, candidates
from bot.core.models import Claim, Source
from bot.core.question import Question, analyse
from bot.core.retrieve import Hit, query_terms, retrieve
from index.entities import Entity
from index.lexicon import synonyms
from index.passages import Mention, Passage
from index.places import contains
from index.store import MENTION_KINDS, Index

if TYPE_CHECKING:
    from bot.core.engine import Engine

log = logging.getLogger(__name__)

DIGEST_FORMAT = 1
MIN_ARTICLES = 2  # a fact two articles do not share cannot be disagreed on
# A sentence dated more than this many days before its article's publication is background.
BACKGROUND_DAYS = 30
DATE_BEFORE_EVENT = 2  # "the January 28 attack", "Friday's attack"
DATE_AFTER_EVENT = 12  # "the attack on the Camp 9 base in Syria on January 28"
# Two findings are one fact when most (value, article) pairs of the smaller are in the larger.
SAME_FACT_SHARE = 0.5

Nature = Literal["update", "disagreement"]


class DigestError(ValueError):
    """The digest's settings (config/digest.toml) are missing or invalid; the message says how to fix."""


class DigestConfig(BaseModel):
    """config/digest.toml: the questions the digest asks, and the words that mark an update."""

    counts: dict[str, str] = Field(description="what is counted -> question with {place}")
    date_question: str = "when was the {event} in {place}?"
    events: list[str] = Field(default_factory=list)
    update_cues: list[str] = Field(default_factory=list)
    generic_counted: list[str] = Field(default_factory=list)
    money: list[str] = Field(default_factory=list)
    max_questions: int = Field(400, ge=1, le=100_000)
    fingerprint: str = ""

    @classmethod
    def load(cls, path: Path) -> DigestConfig:
        """Read config/digest.toml; raises DigestError naming the file and the problem."""
        try:
            raw = path.read_bytes()
            data = tomllib.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            raise DigestError(
                f"{path} is missing: it lists what the digest asks about (copy config/digest.toml from "
                "the Crosscheck repository, or set CROSSCHECK_CONFIG_DIR to the folder holding it)."
            ) from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise DigestError(f"{path} cannot be read: {exc}") from None
        dates, update, limits = data.get("dates", {}), data.get("update", {}), data.get("limits", {})
        try:
            config = cls(
                counts=data.get("counts", {}),
                date_question=dates.get("question", cls.model_fields["date_question"].default),
                events=dates.get("events", []),
                update_cues=update.get("cues", []),
                generic_counted=data.get("numbers", {}).get("generic_nouns", []),
                money=data.get("numbers", {}).get("money", []),
                max_questions=limits.get("max_questions", 400),
                fingerprint=hashlib.sha256(raw).hexdigest()[:16],
            )
        except ValidationError as exc:
            raise DigestError(
                f"{path} is invalid: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
            ) from None
        for label, question in config.counts.items():
            if "{place}" not in question:
                raise DigestError(f"{path}: [counts] {label} must contain {{place}} (got {question!r})")
        if "{place}" not in config.date_question or "{event}" not in config.date_question:
            raise DigestError(f"{path}: [dates] question must contain {{event}} and {{place}}")
        return config


class DigestValue(BaseModel):
    """One of the differing values of a fact, with every article that gives it."""

    value: str = Field(description='Canonical value: "3", "2024-01-28"')
    text: str = Field(description='How the best source words it: "over 40"')
    qualifier: str | None = None
    articles: int = Field(description="How many articles give this value")
    first_published: str | None = Field(None, description="Earliest publication date among them, ISO")
    last_published: str | None = Field(None, description="Latest publication date among them, ISO")
    sources: list[Source]


class Disagreement(BaseModel):
    """A fact on which the articles differ: what is counted or dated, where, and every value."""

    kind: Literal["number", "date"]
    measure: str = Field(description='What is counted ("killed"), or "date"')
    event: str | None = Field(None, description='The event word the sources use: "attack"')
    place: str = Field(description="Where, as the coverage names it")
    question: str = Field(description="The question that shows it in full (`crosscheck ask`)")
    articles: int = Field(description="How many articles take part")
    values: list[DigestValue]
    nature: Nature = Field(description="An update over time, or sources disagreeing at the same time")
    why: str = Field(description="What the nature rests on")


class Digest(BaseModel):
    """Every disagreement in the coverage, most articles first, and how many facts all agree on."""

    corpus: str
    fingerprint: str = Field(description="The index this digest was computed from")
    articles: int
    outlets: int
    questions: int = Field(description="How many questions the digest asked the coverage")
    disagreements: list[Disagreement]
    agreed: int = Field(description="Facts two or more articles give, all with the same value")
    notices: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class _Probe:
    kind: Literal["number", "date"]
    measure: str
    event: str | None
    place: str  # entity id
    question: str
    articles: int  # articles naming both the place and the subject


@dataclass(frozen=True)
class _Finding:
    probe: _Probe
    claims: list[Claim]
    pairs: frozenset[tuple[str, str, str]]  # (value, doc_id, sentence)
    depth: int
    known: bool  # a country or city the gazetteer knows


class _ArticleMap:
    """Which articles hold which terms: postings mapped from passages to articles.

    A set of articles is a Python int with bit k for article k: the digest intersects the
    articles of every place with those of every subject (thousands of pairs at 100k
    passages), and `&` with `bit_count` on ints is many times faster than on sets.
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        counts = [a.passages for a in index.meta.articles]
        self.bounds = np.cumsum([0, *counts])
        self._ids = {term: i for i, term in enumerate(index.postings.vocab)}
        self._cache: dict[str, int] = {}

    def of_term(self, term: str) -> int:
        found = self._cache.get(term)
        if found is None:
            postings = self.index.postings
            i = self._ids.get(term)
            if i is None:
                found = 0
            else:
                passages = postings.docs[postings.ptr[i] : postings.ptr[i + 1]]
                holding = np.zeros(len(self.bounds), dtype=bool)
                holding[np.searchsorted(self.bounds, passages, side="right") - 1] = True
                found = int.from_bytes(np.packbits(holding, bitorder="little").tobytes(), "little")
            self._cache[term] = found
        return found

    def of_any(self, terms: set[str]) -> int:
        found = 0
        for t in terms:
            found |= self.of_term(t)
        return found

    def of_all(self, terms: list[str]) -> int:
        if not terms:
            return 0
        found = self.of_term(terms[0])
        for t in terms[1:]:
            found &= self.of_term(t)
        return found


def probes(index: Index, config: DigestConfig) -> tuple[list[_Probe], int]:
    """The questions worth asking, best-covered first, capped; and how many there were."""
    maker = index.term_maker
    articles = _ArticleMap(index)

    def subject(word: str) -> int:
        terms = set(maker.terms(word))
        return articles.of_any(terms.union(*(synonyms(t, index) for t in terms)))

    places = [e for e in index.entities.values() if e.kind == "place"]
    at_place = {e.id: articles.of_all(maker.terms(e.name)) for e in places}
    found: list[_Probe] = []
    for label, template in config.counts.items():
        covered = subject(label)
        for e in places:
            n = (covered & at_place[e.id]).bit_count()
            if n >= MIN_ARTICLES:
                question = template.format(place=e.name)
                found.append(_Probe(kind="number", measure=label, event=None, place=e.id, question=question,
                                    articles=n))  # fmt: skip
    for event in config.events:
        if not any(index.postings.has(t) for t in maker.terms(event)):
            continue
        covered = articles.of_all(maker.terms(event))
        for e in places:
            n = (covered & at_place[e.id]).bit_count()
            if n >= MIN_ARTICLES:
                question = config.date_question.format(event=event, place=e.name)
                found.append(_Probe(kind="date", measure="date", event=event, place=e.id, question=question,
                                    articles=n))  # fmt: skip
    found.sort(key=lambda p: -p.articles)
    return found[: config.max_questions], len(found)


def compute(engine: Engine, config: DigestConfig) -> Digest:
    """Ask every probe, keep the facts the articles differ on, fold repeats, rank by articles."""
    index = engine.index
    asked, possible = probes(index, config)
    gate = _Gate(index, config)
    asking = _Asking(gate, _MentionKinds(index), _Anchors(index, gate), _Searches(index))
    disagreeing: list[_Finding] = []
    agreeing: list[_Finding] = []
    for probe in asked:
        shown = _ask(probe, index, asking)
        pairs = frozenset((c.value, s.doc_id, s.sentence) for c in shown for s in c.sources)
        if len({doc for _, doc, _ in pairs}) < MIN_ARTICLES:
            continue
        place = index.entities[probe.place]
        finding = _Finding(probe, shown, pairs, _depth(place, index), place.gazetteer)
        (disagreeing if len(shown) > 1 else agreeing).append(finding)
    words = _SentenceTerms(index)
    listed = [_disagreement(f, index, config, words) for f in _distinct(disagreeing)]
    listed.sort(key=lambda d: (-d.articles, -len(d.values), d.kind, d.place))
    # A fact listed as disagreeing is not also counted as agreed through a vaguer question.
    agreed = [f for f in _distinct(agreeing) if not any(_same_fact(f, d) for d in disagreeing)]
    notices = []
    if possible > len(asked):
        notices.append(
            f"The coverage allows {possible:,} questions; the digest asked the {len(asked):,} best covered "
            f"(max_questions in config/digest.toml)."
        )
    outlets = {a.outlet or a.doc_id for a in index.articles.values()}
    return Digest(
        corpus=str(engine.corpus), fingerprint=index.fingerprint, articles=len(index.articles),
        outlets=len(outlets), questions=len(asked), disagreements=listed, agreed=len(agreed), notices=notices,
    )  # fmt: skip


@dataclass(frozen=True)
class _Asking:
    """What every probe of one digest shares: the gate, and what is read once for all probes."""

    gate: _Gate
    kinds: _MentionKinds
    anchors: _Anchors
    searches: _Searches


def _ask(probe: _Probe, index: Index, asking: _Asking) -> list[Claim]:
    """The answering core's claims for a probe, from the candidates the digest's stricter gates pass."""
    q = analyse(probe.question, index)
    if q.kind != probe.kind or q.unknown or q.missing:
        return []  # the coverage lacks a word of it: nothing to compare
    gate, kinds, anchors = asking.gate, asking.kinds, asking.anchors
    hits = asking.searches.hits(q)
    # A passage holding no mention of a kind the question accepts gives no candidate, nor one whose
    # candidates could only be tied to places the gate refuses; the best hit stays, since every
    # candidate's relevance is measured against its score.
    if not q.speaker:  # a speaker is found in a sentence's attributions, not its mentions
        hits = hits[:1] + [
            h
            for h in hits[1:]
            if kinds.holds(h.passage, q.accept) and anchors.may_pass(probe.place, h.passage)
        ]
    found = [c for c in candidates(q, index, hits) if gate.passes(probe, c)]
    shown = claims.claims(q, found, index)
    if probe.kind == "date":
        # "in January", "in October": a month around the day, or another event named in
        # passing; only days can disagree about a day.
        shown = [c for c in shown if len(c.value) == 10]
    return shown


class _Searches:
    """Retrieval for the digest's questions, each distinct search run once.

    Places of different names often search the same terms ("U.S. One", "U.S. Who": both
    "us"), so a sixth of the digest's questions repeat a search. The key is the weighted
    terms in their order: the scores sum them in that order.
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self._found: dict[tuple[tuple[str, float], ...], list[Hit]] = {}

    def hits(self, q: Question) -> list[Hit]:
        key = tuple(query_terms(q, self.index).items())
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = retrieve(q, self.index)
        return found


class _SentenceTerms:
    """The search terms of the cited sentences, each sentence's read once: an entry's event word
    and its nature both read them, and the same sentence backs several entries."""

    def __init__(self, index: Index) -> None:
        self.maker = index.term_maker
        self._found: dict[str, frozenset[str]] = {}

    def of(self, sentence: str) -> frozenset[str]:
        found = self._found.get(sentence)
        if found is None:
            found = self._found[sentence] = frozenset(self.maker.terms(sentence))
        return found


class _MentionKinds:
    """Which passages hold a mention of which kind, read from the index's columns.

    Asking hundreds of questions retrieves tens of thousands of passages; most hold no mention
    of the kind a question accepts, and assembling them is most of the time of a digest.
    """

    def __init__(self, index: Index) -> None:
        columns = index._a  # the mention columns: no passage needs assembling to know their kinds
        per_passage = np.diff(columns["m_ptr"])
        owner = np.repeat(np.arange(len(per_passage)), per_passage)
        self._kinds = np.asarray(columns["m_kind"])
        self._owner = owner
        self._passages = len(per_passage)
        self._by_kind: dict[str, np.ndarray] = {}

    def _holding(self, kind: str) -> np.ndarray:
        found = self._by_kind.get(kind)
        if found is None:
            found = np.zeros(self._passages, dtype=bool)
            if kind in MENTION_KINDS:
                found[self._owner[self._kinds == MENTION_KINDS.index(kind)]] = True
            self._by_kind[kind] = found
        return found

    def holds(self, passage: int, kinds: set[str]) -> bool:
        """Does passage number `passage` hold a mention of one of these kinds?"""
        return any(bool(self._holding(kind)[passage]) for kind in kinds)


class _Anchors:
    """Whether a passage's candidates could be tied to a place the gate passes, read from the columns.

    `extract.candidates` ties each candidate to one of the places the sentence locates things in
    when it has any, else to the mention's own place or the paragraph's; the gate then refuses
    every candidate not tied to the place asked about, one inside it or one holding it. A passage
    none of whose possible places passes gives the digest nothing, and needs no assembling.
    """

    def __init__(self, index: Index, gate: _Gate) -> None:
        self.index, self.gate = index, gate
        self._places: dict[int, set[str | None]] = {}
        self._nested: dict[tuple[str, str | None], bool] = {}

    def places(self, passage: int) -> set[str | None]:
        """Every place a candidate of this passage could be tied to (None: to none)."""
        found = self._places.get(passage)
        if found is None:
            columns, string = self.index._a, self.index.string
            lo, hi = int(columns["pl_ptr"][passage]), int(columns["pl_ptr"][passage + 1])
            if hi > lo:
                found = {string(e) for e in columns["pl_entity"][lo:hi].tolist()}
            else:
                lo, hi = int(columns["m_ptr"][passage]), int(columns["m_ptr"][passage + 1])
                found = {string(e) for e in columns["m_place"][lo:hi].tolist()}
                found.add(string(int(columns["p_context_place"][passage])))
            self._places[passage] = found
        return found

    def may_pass(self, asked: str, passage: int) -> bool:
        """Could a candidate of this passage be tied to a place nested with `asked`?"""
        for place in self.places(passage):
            nested = self._nested.get((asked, place))
            if nested is None:
                nested = self._nested[(asked, place)] = self.gate.nested(asked, place)
            if nested:
                return True
        return False


class _Gate:
    """Stricter than answering, because a digest nobody asked for must not cry wolf.

    Answering may show a figure a reader can judge in context; the digest drops:
    figures in sentences about another time ("in 2013", "from 2012 to 2014"); numbers
    that count something narrower or else ("four gunmen", "1,200 personnel", "142
    students"); sums of money; and dates not attached to the event word ("on Saturday
    morning visited the accident site" is the visit's day, not the accident's).
    """

    def __init__(self, index: Index, config: DigestConfig) -> None:
        self.index = index
        maker = index.term_maker
        self.generic = {t for w in config.generic_counted for t in maker.terms(w)}
        self.money = {t for w in config.money for t in maker.terms(w)} | set(config.money)
        self.measures = {
            label: (terms := set(maker.terms(label))).union(*(synonyms(t, index) for t in terms))
            for label in config.counts
        }
        all_measures: set[str] = set().union(*self.measures.values()) if self.measures else set()
        self.all_measures = all_measures
        self.events = {
            e: (terms := set(maker.terms(e))).union(*(synonyms(t, index) for t in terms))
            for e in config.events
        }
        self.reference = date.fromisoformat(index.meta.reference_date) if index.meta.reference_date else None

    def passes(self, probe: _Probe, c: Candidate) -> bool:
        if not self.nested(probe.place, c.place):
            return False  # not tied to the place asked about, or one holding it: maybe another event
        p = self.index.passage(c.passage)
        if self._other_time(p) or self._continues_other_time(c.passage, p):
            return False
        if probe.kind == "number":
            return self._counts_the_measure(p, c.mention)
        return self._dates_the_event(p, c.mention, self.events.get(probe.event or "", set()))

    def nested(self, asked: str, tied: str | None) -> bool:
        """Is the candidate tied to the place asked about, a place inside it or one holding it?"""
        if tied is None:
            return False
        entities = self.index.entities
        a, b = entities[asked], entities[tied]
        if a.id == b.id or contains(a, b, entities) or contains(b, a, entities):
            return True
        # A place the gazetteer does not know ("Odisha", "Bahanaga") may hold or lie in the
        # other; two places it knows and does not nest (Garissa, Nairobi) are two places.
        return a.country is None or b.country is None

    def _published(self, p: Passage) -> date | None:
        article = self.index.articles.get(p.doc_id)
        if article and article.published:
            try:
                return date.fromisoformat(article.published[:10])
            except ValueError:
                pass
        return self.reference

    def _other_time(self, p: Passage) -> bool:
        """Does the sentence date itself away from the coverage's days ("in 2013", "last month")?"""
        published = self._published(p)
        if published is None:
            return False
        for m in p.mentions:
            # "the 2013 Westgate Mall attack": a year the date rules read as a count or a name
            year_like = (
                m.kind != "date" and m.text.isdigit() and len(m.text) == 4 and 1800 <= int(m.text) <= 2100
            )
            span = _period(m.text if year_like else m.value) if m.kind == "date" or year_like else None
            if span is None:
                continue
            if span[0] == span[1]:
                if (published - span[1]).days > BACKGROUND_DAYS:
                    return True
            elif span[1] < published.replace(day=1):  # a whole month or year before the article's
                return True
        return False

    def _continues_other_time(self, number: int, p: Passage) -> bool:
        """An undated sentence after one dated to another time, in the same paragraph, goes on
        about that time ("312 killed from 2012 to 2014. Thirty-eight ... in the same period")."""
        if number == 0 or any(m.kind == "date" for m in p.mentions):
            return False
        # Read from the columns first: most sentences before a candidate are in another paragraph.
        if self.index.doc_id(number - 1) != p.doc_id or int(self.index._a["p_para"][number - 1]) != p.para:
            return False
        before = self.index.passage(number - 1)
        return before.doc_id == p.doc_id and before.para == p.para and self._other_time(before)

    def _counts_the_measure(self, p: Passage, m: Mention) -> bool:
        after = [p.terms[j] for j in range(m.tok_end, min(len(p.terms), m.tok_end + 2)) if not p.stops[j]]
        before = p.terms[m.tok - 1] if m.tok > 0 else ""
        if before in self.money or (after and after[0] in self.money):
            return False
        if m.tok_end < len(p.terms) and not p.stops[m.tok_end] and p.terms[m.tok_end] not in (",", ".", ";"):
            noun = p.terms[m.tok_end]
            if noun.isalpha() and noun not in self.generic and noun not in self.all_measures:
                return False  # "four gunmen", "142 students": a narrower or other count
        return True

    def _dates_the_event(self, p: Passage, m: Mention, event_terms: set[str]) -> bool:
        """The event word right after the date ("the January 28 attack") or before it in its
        clause ("the attack on January 28"); a date further before it dates another verb."""
        lo, hi = p.pos[m.tok], p.pos[m.tok_end - 1]
        for j, term in enumerate(p.terms):
            if term not in event_terms or m.tok <= j < m.tok_end:
                continue
            if j >= m.tok_end and p.pos[j] - hi <= DATE_BEFORE_EVENT:
                return True
            if j < m.tok and lo - p.pos[j] <= DATE_AFTER_EVENT:
                return True
        return False


def _period(value: str) -> tuple[date, date] | None:
    """The first and last day an ISO date, month or year value covers."""
    try:
        if len(value) >= 10:
            day = date.fromisoformat(value[:10])
            return day, day
        if len(value) == 7:
            first = date.fromisoformat(value + "-01")
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return first, last
        if len(value) == 4:
            return date(int(value), 1, 1), date(int(value), 12, 31)
    except ValueError:
        return None
    return None


def _depth(entity: Entity, index: Index) -> int:
    """How far down the place hierarchy a place sits: a city in a country is deeper than the country."""
    depth, seen = 0, set()
    current: Entity | None = entity
    while current is not None and current.parent and current.parent not in seen:
        seen.add(current.id)
        depth += 1
        current = index.entities.get(current.parent)
    if depth == 0 and entity.country and not entity.is_country:
        depth = 1
    return depth


def _same_fact(a: _Finding, b: _Finding) -> bool:
    if a.probe.kind != b.probe.kind or a.probe.measure != b.probe.measure:
        return False
    shared = len(a.pairs & b.pairs)
    return shared > 0 and shared >= SAME_FACT_SHARE * min(len(a.pairs), len(b.pairs))


def _distinct(findings: list[_Finding]) -> list[_Finding]:
    """One finding per fact: the one citing the most articles; among equals, the narrowest place
    the gazetteer knows ("in Mosul", rather than "in Iraq" or a neighbourhood's name)."""
    ranked = sorted(
        findings, key=lambda f: (-len({d for _, d, _ in f.pairs}), -f.known, -f.depth, -f.probe.articles)
    )
    kept: list[_Finding] = []
    for f in ranked:
        if not any(_same_fact(f, k) for k in kept):
            kept.append(f)
    return kept


def _disagreement(f: _Finding, index: Index, config: DigestConfig, words: _SentenceTerms) -> Disagreement:
    values = [_value(c) for c in f.claims]
    nature, why = _nature(f, values, index, config, words)
    event = f.probe.event or _event_word(f.claims, index, config, words)
    return Disagreement(
        kind=f.probe.kind, measure=f.probe.measure, event=event, place=index.entities[f.probe.place].name,
        question=f.probe.question, articles=len({d for _, d, _ in f.pairs}), values=values,
        nature=nature, why=why,
    )  # fmt: skip


def _value(claim: Claim) -> DigestValue:
    dates = sorted(s.published for s in claim.sources if s.published)
    return DigestValue(
        value=claim.value, text=claim.text, qualifier=claim.qualifier,
        articles=len({s.doc_id for s in claim.sources}), sources=claim.sources,
        first_published=dates[0] if dates else None, last_published=dates[-1] if dates else None,
    )  # fmt: skip


def _event_word(found: list[Claim], index: Index, config: DigestConfig, words: _SentenceTerms) -> str | None:
    """The event word the cited sentences use most ("strike"), for a count's description."""
    maker = index.term_maker
    wanted = {t: event for event in config.events for t in maker.terms(event)}
    tally: dict[str, int] = {}
    for claim in found:
        for s in claim.sources:
            for t in words.of(s.sentence) & wanted.keys():
                tally[wanted[t]] = tally.get(wanted[t], 0) + 1
    return max(tally, key=lambda e: (tally[e], -config.events.index(e))) if tally else None


def _nature(
    f: _Finding, values: list[DigestValue], index: Index, config: DigestConfig, words: _SentenceTerms
) -> tuple[Nature, str]:
    """An update over time, or sources disagreeing at the same time, and why it reads so."""
    maker = index.term_maker
    cues = {t for cue in config.update_cues for t in maker.terms(cue)}
    if f.probe.kind == "number":
        for v in values:
            for s in v.sources:
                said = words.of(s.sentence) & cues
                if said:
                    cue_words = [w for w in s.sentence.split() if set(maker.terms(w)) & said]
                    outlet = s.outlet or s.title
                    return (
                        "update",
                        f"{outlet} words the figure as changing over time ({', '.join(cue_words[:2])!r})",
                    )
    dated = [v for v in values if v.first_published]
    if len(dated) == len(values) and len(values) > 1:
        order = sorted(dated, key=lambda v: (v.first_published or "", v.last_published or ""))
        separated = all(
            (a.last_published or "") < (b.first_published or "") for a, b in itertools.pairwise(order)
        )
        if separated:
            if f.probe.kind == "number":
                figures = [_number(v.value) for v in order]
                trend = "rising" if figures == sorted(figures) else "revised"
            else:
                trend = "changing"
            steps = ", ".join(f"{v.text} ({_day(v.first_published)})" for v in order)
            return "update", f"later articles give a {trend} figure: {steps}"
        days = {v.first_published for v in values} | {v.last_published for v in values}
        if len(days) == 1:
            return "disagreement", f"all published on {_day(next(iter(days)))}"
        return "disagreement", "articles published over the same days give different values"
    return "disagreement", "publication dates unknown for some articles; read as sources disagreeing"


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def _day(iso: str | None) -> str:
    if not iso:
        return "undated"
    try:
        return date.fromisoformat(iso[:10]).strftime("%-d %b %Y")
    except ValueError:
        return iso


_memory: dict[tuple[str, str], Digest] = {}
_memory_lock = threading.Lock()


# The digest is the answering core's output: a change to any of these recomputes it.
CORE_SOURCES = ("question.py", "retrieve.py", "extract.py", "claims.py", "digest.py")


def cache_file(engine: Engine, config: DigestConfig) -> Path:
    """Where the digest of the engine's current index is kept beside the index file.

    Named by the index's fingerprint, config/digest.toml and the answering core's source,
    so a change to any of them computes a new digest.
    """
    index = engine.index
    code = hashlib.sha256()
    for name in CORE_SOURCES:
        code.update((Path(__file__).parent / name).read_bytes())
    key = f"{index.fingerprint[:16]}-{config.fingerprint}-{code.hexdigest()[:12]}-v{DIGEST_FORMAT}"
    return index.path.with_name(f"digest-{key}.json")


def digest(engine: Engine, fresh: bool = False) -> Digest:
    """The digest of the engine's index: from memory, from the file beside the index, or computed.

    `fresh` recomputes and rewrites it. Raises DigestError when config/digest.toml is
    missing or invalid, CorpusError when the corpus cannot be indexed.
    """
    config = DigestConfig.load(engine.settings.config_dir / "digest.toml")
    path = cache_file(engine, config)
    key = (str(path), engine.index.fingerprint)
    with _memory_lock:
        if not fresh and key in _memory:
            return _memory[key]
        found = None if fresh else _read(path)
        if found is not None:
            found = found.model_copy(update={"corpus": str(engine.corpus)})
        else:
            found = compute(engine, config)
            _write(path, found)
        _memory[key] = found
        return found


def _read(path: Path) -> Digest | None:
    try:
        return Digest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError, ValueError) as exc:
        log.warning("Recomputing the digest: %s cannot be read (%s)", path, exc)
        return None


def _write(path: Path, found: Digest) -> None:
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(found.model_dump_json(), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:  # a read-only index folder: the digest still works, only slower next time
        log.warning("Could not keep the digest in %s (%s); it will be computed again next time.", path, exc)
