"""Candidate answers: the typed mentions of retrieved passages that answer the question.

A mention answers when it is of the kind asked for and sits close to what the
question is about. Closeness is measured in token positions that skip insertions
(parentheses, ", including ...,", relative clauses), so "three individuals,
including X (Y), the commander of ..., had perished" puts "three" four tokens
from "perished". On top of closeness, a few gates:

- what a number counts: "how many rockets" takes "three rockets", not "three people";
  "2,500 in Iraq" counts what the number before it counts ("900 troops ... and 2,500");
- rival predicates (lexicon [exclusive] sets): in "killed three ... and injured over
  40", the three belongs to "killed" and the 40 to "injured";
- the role a person holds: "who was the commander" takes a name next to "commander";
- the place: a value tied to Jordan does not answer "in Baghdad"; Iraq does.
"""

from __future__ import annotations

from pydantic import BaseModel

from bot.question import Question
from bot.retrieve import synonyms
from index.bm25 import idf_of
from index.entities import Entity
from index.passages import Mention, Passage
from index.store import Index

MAX_DISTANCE = 12  # beyond this many positions a word says nothing about a value
ROLE_DISTANCE = 7
SYNONYM_CLOSENESS = 0.7
HEADING_FACTOR = 0.8
# Places and the factor a candidate's score gets from them.
PLACE_IN_SENTENCE = 1.0
PLACE_INHERITED = 0.85
PLACE_UNKNOWN = 0.7


class Candidate(BaseModel):
    """A mention that may answer the question, with its evidence."""

    passage: int
    mention: Mention
    score: float
    support: float
    place: str | None = None  # the entity id of the place it is tied to


def _closeness(distance: int) -> float:
    return 1.0 / (1.0 + distance / 3.0)


class _Scorer:
    """Scores the mentions of one question against passages."""

    def __init__(self, question: Question, index: Index) -> None:
        self.q = question
        self.index = index
        self.entities = index.entities
        terms = [*question.focus, *([question.role] if question.role else [])]
        self.weights = {t: max(0.5, idf_of(index.postings, t)) for t in terms}
        for t in question.entity_terms:
            self.weights.setdefault(t, 0.5 * max(0.5, idf_of(index.postings, t)))
        self.syn = {t: synonyms(t, index) for t in [*self.weights, *question.counted]}
        self.exclusive = self._exclusive_groups()

    def _exclusive_groups(self) -> tuple[set[str], set[str]] | None:
        """The question's group within a lexicon [exclusive] set, and that set's other groups."""
        for members in self.index.meta.get("exclusive", {}).values():
            asked = {g for t in self.q.focus for g in self.index.groups_of_term.get(t, []) if g in members}
            if asked:
                return asked, set(members)
        return None

    def distance(self, p: Passage, m: Mention, j: int) -> int:
        here = (p.pos[m.tok], p.pos[m.tok_end - 1])
        d = min(abs(p.pos[j] - here[0]), abs(p.pos[j] - here[1]))
        return d + (2 if p.depth[j] != m.depth else 0)

    def support(self, p: Passage, m: Mention) -> tuple[float, int]:
        """Weighted closeness of the question's terms to a mention (0..1), and the nearest distance."""
        best: dict[str, float] = {}
        nearest = 10**6
        inside = range(m.tok, m.tok_end)
        for j, term in enumerate(p.terms):
            if j in inside or p.stops[j]:
                continue
            for t in self.weights:
                factor = 1.0 if term == t else SYNONYM_CLOSENESS if term in self.syn[t] else 0.0
                if not factor:
                    continue
                d = self.distance(p, m, j)
                if d > MAX_DISTANCE:
                    continue
                nearest = min(nearest, d)
                best[t] = max(best.get(t, 0.0), factor * _closeness(d))
        total = sum(self.weights.values()) or 1.0
        return sum(self.weights[t] * c for t, c in best.items()) / total, nearest

    def counted_ok(self, p: Passage, m: Mention) -> bool:
        """Does the number count what the question counts?"""
        if not self.q.counted:
            return True
        wanted = set(self.q.counted).union(*(self.syn[c] for c in self.q.counted))
        noun = _counted_noun(p, m)
        return bool(noun & wanted)

    def predicate_ok(self, p: Passage, m: Mention) -> bool:
        """Is the nearest rival predicate to the mention the one the question asks about?"""
        if self.exclusive is None:
            return True
        asked, members = self.exclusive
        nearest: tuple[int, set[str]] | None = None
        for j, term in enumerate(p.terms):
            if p.stops[j] or m.tok <= j < m.tok_end:
                continue
            groups = {g for g in self.index.groups_of_term.get(term, []) if g in members}
            if not groups:
                continue
            d = self.distance(p, m, j)
            if d <= MAX_DISTANCE and (nearest is None or d < nearest[0] or (d == nearest[0] and groups & asked)):
                nearest = (d, groups)
        return nearest is not None and bool(nearest[1] & asked)

    def role_ok(self, p: Passage, m: Mention) -> bool:
        """Is the name next to the role the question asks for, with no other name closer to it?"""
        if not self.q.role:
            return True
        roles = {self.q.role} | self.syn.get(self.q.role, set())
        names = [o for o in p.mentions if o.kind in ("person", "org") and o is not m]
        for j, term in enumerate(p.terms):
            if term not in roles:
                continue
            d = self.distance(p, m, j)
            if d > ROLE_DISTANCE:
                continue
            if all(self.distance(p, o, j) >= d for o in names if o.value != m.value):
                return True
        return False

    def place_factor(self, p: Passage, m: Mention) -> tuple[float, str | None]:
        """0 when the mention is tied to a place the question rules out; else how well it fits."""
        refs = [r for r in p.places if r.depth <= m.depth] or p.places
        anchor = None
        inherited = False
        if refs:
            anchor = min(refs, key=lambda r: abs(p.pos[r.tok] - p.pos[m.tok])).entity
        elif p.context_place:
            anchor, inherited = p.context_place, True
        if not self.q.places:
            return 1.0, anchor
        if anchor is None:
            return PLACE_UNKNOWN, None
        verdicts = [compatible(self.entities[anchor], self.entities[q], self.entities) for q in self.q.places]
        if any(v is True for v in verdicts):
            return (PLACE_INHERITED if inherited else PLACE_IN_SENTENCE), anchor
        if all(v is False for v in verdicts):
            return 0.0, anchor
        return PLACE_UNKNOWN, anchor

    def answer_place_ok(self, m: Mention) -> bool:
        """For place answers: not the place asked about, and inside it when asked "where in X"."""
        candidate = self.entities[m.value]
        for q in self.q.places:
            asked = self.entities[q]
            if candidate.id == asked.id or contains(candidate, asked, self.entities):
                return False
            if self.q.inside and compatible(candidate, asked, self.entities) is False:
                return False
        return True


def _counted_noun(p: Passage, m: Mention) -> set[str]:
    """The terms right after a number that say what it counts; elliptical numbers borrow them.

    "900 troops in Syria and 2,500 in Iraq": 2,500 is followed by a preposition, so it
    counts what the number before it counts.
    """
    noun = _noun_after(p, m.tok_end)
    if noun:
        return noun
    earlier = [o for o in p.mentions if o.kind == "count" and o.tok_end <= m.tok and m.tok - o.tok_end <= 8]
    return _noun_after(p, earlier[-1].tok_end) if earlier else set()


def _noun_after(p: Passage, k: int) -> set[str]:
    found = set()
    for j in range(k, min(len(p.terms), k + 4)):
        if p.terms[j] == "-":
            continue
        if p.stops[j]:
            break
        found.add(p.terms[j])
    return found


def _chain(entity: Entity, entities: dict[str, Entity]) -> list[str]:
    """The entity and the places it lies in, per the corpus ("Mashtal" -> Baghdad)."""
    chain = [entity.id]
    while entity.parent and entity.parent not in chain and entity.parent in entities:
        entity = entities[entity.parent]
        chain.append(entity.id)
    return chain


def contains(outer: Entity, inner: Entity, entities: dict[str, Entity]) -> bool:
    """Does `outer` contain `inner` (Iraq contains Baghdad; Baghdad contains Mashtal)?"""
    if outer.id in _chain(inner, entities)[1:]:
        return True
    return outer.is_country and not inner.is_country and outer.country is not None and outer.country == inner.country


def compatible(a: Entity, b: Entity, entities: dict[str, Entity]) -> bool | None:
    """Can something in place a also be in place b? None when the gazetteer cannot tell."""
    if a.id == b.id or a.id in _chain(b, entities) or b.id in _chain(a, entities):
        return True
    if a.country and b.country:
        if a.country != b.country:
            return False
        return a.is_country or b.is_country or None
    return None


def candidates(question: Question, index: Index, hits: list[tuple[int, float]]) -> list[Candidate]:
    """Every mention of the retrieved passages that may answer the question, scored."""
    if not hits:
        return []
    scorer = _Scorer(question, index)
    top = hits[0][1] or 1.0
    found: list[Candidate] = []
    for number, score in hits:
        p = index.passage(number)
        relevance = 0.5 + 0.5 * max(0.0, score) / top
        for m in p.mentions:
            if m.kind not in question.accept:
                continue
            if m.kind in ("person", "org", "place", "other") and m.value in question.entities:
                continue
            if m.kind == "count" and not (scorer.counted_ok(p, m) and scorer.predicate_ok(p, m)):
                continue
            if not scorer.role_ok(p, m):
                continue
            if m.kind == "place":
                if not scorer.answer_place_ok(m):
                    continue
                factor, anchor = 1.0, m.value
            else:
                factor, anchor = scorer.place_factor(p, m)
                if factor == 0.0:
                    continue
            support, nearest = scorer.support(p, m)
            if support <= 0.0:
                continue
            value = support * factor * relevance * (HEADING_FACTOR if p.heading else 1.0)
            found.append(Candidate(passage=number, mention=m, score=value, support=support, place=anchor))
    return found
