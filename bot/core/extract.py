"""Candidate answers: the typed mentions of retrieved passages that answer the question.

A mention answers when it is of the kind asked for and sits close to what the
question is about. Closeness is measured in token positions that skip insertions
(parentheses, ", including ...,", relative clauses), so "three individuals,
including X (Y), the commander of ..., had perished" puts "three" four tokens
from "perished". A question word near two values of the asked kind counts for
the nearer one. On top of closeness, gates:

- what a number counts: "how many rockets" takes "three rockets", not "three people";
  "2,500 in Iraq" counts what the number before it counts ("900 troops ... and 2,500");
- rival predicates (lexicon [exclusive] sets): in "killed three ... and injured over
  40", the three belongs to "killed" and the 40 to "injured"; and a number bound to
  one of them ("three killed") does not answer a question about neither;
- the role or type asked for: "who was the commander" takes a name next to
  "commander", "which militia" an organization next to "militia";
- the place: a value tied to Syria does not answer "in Mosul"; Iraq does;
- the source: "according to US officials" keeps what the article attributes to them;
- the speaker: "who said ..." is answered by the source a sentence names.
"""

from __future__ import annotations

import re
from functools import cached_property
from weakref import WeakKeyDictionary

from pydantic import BaseModel

from bot.core.event import frame_of, is_main_place, other_event
from bot.core.question import Question
from bot.core.retrieve import Hit
from index.bm25 import idf_of
from index.entities import apposed_after, apposed_before, name_key
from index.lexicon import PERSON_TITLES, ROLE_NOUNS, has_phrase, phrases, synonyms, word_set, words
from index.passages import DIRECTIONS, Mention, Passage
from index.places import compatible, contains, demonym_country
from index.store import Index

MAX_DISTANCE = 12  # beyond this many positions a word says nothing about a value
PREDICATE_BREAK_COST = 6  # positions a clause break adds between a number and a rival predicate
CLAUSE_DISTANCE = 20  # a date or time may open its clause, far from the event word
ROLE_DISTANCE = 7
OFFICE_REACH = 3  # words before a role word that name its office: "Odisha Fire Service Director"
TYPE_DISTANCE = 2
SYNONYM_CLOSENESS = 0.7
SPEAKER_SYNONYM_CLOSENESS = 0.5  # with distance not counting, the word itself matters more
SHARED_CLOSENESS = 0.3  # a word nearer to another value of the same kind counts this much
ANCHOR_SHARE = 0.6
WORD_REACH = 4.0  # closeness halves this many positions away
CLAUSE_REACH = 12.0
HEADING_FACTOR = 0.8
PLACE_IN_SENTENCE = 1.0
PLACE_INHERITED = 0.85
PLACE_UNKNOWN = 0.7
SOFT_PLACE_MISMATCH = 0.4  # "the US strike" named the US, but maybe as who struck
OTHER_DAY_FACTOR = 0.2
OTHER_NUMBER_FACTOR = 0.3
OTHER_UNIT_FACTOR = 0.4  # a measure in another unit than the one asked for
# A question word that most articles open with names the story ("train", "crash"), not the fact:
# every sentence of the coverage is about it unless event identity says otherwise, so its
# absence near a value costs only as much as having it this close.
EVENT_WORD_CLOSENESS = 0.5
DISCOURSE_WINDOW = 6  # sentences back that a role question's organization may have been named in
# "According to a statement from X" or "X said" fit any question about what X announced or claimed.
GENERIC_ATTRIBUTION = {"say", "state", "accord", "tell", "add"}
GENERIC_VERB_FACTOR = 0.6  # "who announced": "X said" counts for less than "X announced"
CLAUSE_BREAKS = {",", ";", "and", "but", "while", "whereas", "-", "–", "—"}
# Between a number and a rival predicate: not "-", which also joins words ("three-train crash").
PREDICATE_BREAKS = CLAUSE_BREAKS - {"-"}
# "... were killed in the attack, which injured another 34": more of whom the sentence counted.
CONTINUING = {"another", "an additional", "a further"}
NAME_KINDS = ("person", "org", "place", "norp", "other")


def _title_word(term: str) -> bool:
    """A word that stands in a title before a name: "Prime", "Minister", or a demonym ("Iraqi")."""
    return term in PERSON_TITLES or demonym_country(term) is not None


# Title words that name an office themselves (not "chief", "deputy", "vice", which qualify one).
HEAD_TITLES = ROLE_NOUNS - {"chief", "deputy", "vice", "head"}
CITY_TYPES = {"city", "town", "capital", "village"}
TIMED_KINDS = {"count", "date", "time", "measure"}  # facts that belong to one event
COUNTRY_TYPES = {"country", "nation"}


class Candidate(BaseModel):
    """A mention that may answer the question, with its evidence."""

    passage: int
    mention: Mention
    score: float
    support: float
    place: str | None = None  # the entity id of the place it is tied to


def _closeness(distance: int, reach: float = 4.0) -> float:
    return 1.0 / (1.0 + distance / reach)


class _Proximity:
    """How near the question's words are to a mention: the weights, anchors and closeness
    every score starts from."""

    def __init__(self, question: Question, index: Index) -> None:
        self.q = question
        self.index = index
        # (passage, group set) -> group_hits: asked once per mention, the same for all of a passage's
        self._hits: dict[tuple[int, int], tuple[Passage, set[str], dict[int, set[str]]]] = {}
        self._spans: dict[tuple[int, str], tuple[Passage, list[tuple[int, int]]]] = {}
        self._by_first: dict[int, tuple[set[str], dict[str, list[tuple[int, str, list[str]]]]]] = {}
        self.entities = index.entities
        postings = index.postings
        self.weights = {t: max(0.5, idf_of(postings, t)) for t in question.focus}
        if question.role:
            self.weights[question.role] = max(0.5, idf_of(postings, question.role))
        # Entities the question names (other than places, which constrain instead) count by
        # their mentions under any alias, each like one average question word, halved.
        self.named = [e for e in question.entities if e not in question.places or question.kind == "place"]
        mean = sum(self.weights.values()) / len(self.weights) if self.weights else 1.0
        self.entity_weight = 0.5 * mean
        self.syn = {t: synonyms(t, index) for t in [*self.weights, *question.counted]}
        self.exclusive = self._exclusive_groups()
        self.exclusive_words = {
            ph[0] for g in self.exclusive[1] for ph in index.groups.get(g, []) if len(ph) == 1
        }
        self.anchors = self._anchors()
        # Story words count by default only for numbers beside an anchor, which pins the fact; for
        # names and dates, and numbers without one, the words around are what tells facts apart.
        pinned = question.kind == "number" and bool(self.anchors)
        story = frame_of(index).terms if pinned else frozenset()
        self.event_words = {t for t in self.weights if t not in self.anchors and t in story}
        # A date or time often opens its clause ("At 9.30pm February 7, US Central Command
        # (NORTHCOM) forces conducted a unilateral strike"), far from the event word.
        self.max_distance = CLAUSE_DISTANCE if question.kind in ("date", "time") else MAX_DISTANCE

    def _anchors(self) -> set[str]:
        """The words the answer must attach to: the predicate or counted noun of a number,
        the role of a person, the type of a place or organization. Other words are context."""
        q = self.q
        if q.measure:
            # "how far is the town from the capital": the measure said next to them, not the
            # other distance in the sentence ("... and 130 miles from the border")
            return set(q.focus)
        if q.kind == "number":
            asked = self.exclusive[0]
            predicates = {t for t in q.focus if set(self.index.groups_of_term.get(t, [])) & asked}
            for group in q.phrase_groups & asked:  # "lost their lives": any word of the group will do
                predicates |= {p[0] for p in self.index.groups[group] if len(p) == 1}
            return predicates or set(q.counted)
        if q.role and q.kind in ("person", "other"):
            return {q.role}
        if q.type_noun in CITY_TYPES | COUNTRY_TYPES:
            return set()  # the gazetteer checks the type (role_ok); the words around decide
        if q.type_noun and q.kind in ("place", "organization"):
            return {q.type_noun}
        return set()

    def phrase_spans(self, p: Passage, term: str) -> list[tuple[int, int]]:
        """Where the multi-word synonyms of a term stand in the passage, as token ranges
        ("chief public relations officer" holds one for a spokesperson). Asked once per mention,
        the same for all of a passage's: cached, with the passage kept so its id stays its own."""
        found = self._spans.get((id(p), term))
        if found is None:
            spans = [
                (i, i + len(ph))
                for ph in phrases(term, self.index)
                for i in range(len(p.terms) - len(ph) + 1)
                if p.terms[i : i + len(ph)] == ph
            ]
            found = self._spans[(id(p), term)] = (p, spans)
        return found[1]

    def _synonyms(self, term: str) -> set[str]:
        """Synonyms of a term, computed once per question."""
        if term not in self.syn:
            self.syn[term] = synonyms(term, self.index)
        return self.syn[term]

    def _exclusive_groups(self) -> tuple[set[str], set[str]]:
        """The question's groups within lexicon [exclusive] sets, and all groups of those sets."""
        asked: set[str] = set()
        members: set[str] = set()
        for group_set in self.index.meta.exclusive.values():
            members.update(group_set)
            asked |= {g for t in self.q.focus for g in self.index.groups_of_term.get(t, []) if g in group_set}
            asked |= self.q.phrase_groups & set(group_set)
        return asked, members

    def closeness(self, d: int) -> float:
        """How much a question word at distance d supports a value.

        A speaker is far from what they said ("The Pentagon believes that ... the 'footprints'"),
        so for "who said" questions the whole sentence counts alike; a date or time attaches to
        its clause ("a drone strike on a base ... on January 28"), not to the next word.
        """
        if self.q.speaker:
            return 1.0
        return _closeness(d, CLAUSE_REACH if self.q.kind in ("date", "time") else WORD_REACH)

    def distance(
        self, p: Passage, m: Mention, j: int, break_cost: int = 2, breaks_at: set[str] | None = None
    ) -> int:
        """Positions between token j and a mention; a word across a clause break is further."""
        lo, hi = p.pos[m.tok], p.pos[m.tok_end - 1]
        d = min(abs(p.pos[j] - lo), abs(p.pos[j] - hi))
        span = range(j + 1, m.tok) if j < m.tok else range(m.tok_end, j)
        marks = CLAUSE_BREAKS if breaks_at is None else breaks_at
        breaks = sum(1 for k in span if p.terms[k] in marks and p.depth[k] == 0)
        return d + break_cost * breaks + (2 if p.depth[j] != m.depth else 0)

    def support(self, p: Passage, m: Mention, counted: bool = False) -> float:
        """How closely the question's words surround a mention, 0 to 1.

        With anchor words, the nearest anchor decides most of it (ANCHOR_SHARE) and
        the remaining words, weighted by rarity, the rest; without, only the latter.
        """
        rivals = [o for o in p.mentions if o.kind == m.kind and o.value != m.value and not _modifier(p, o)]
        terms = {*self.weights, *self.anchors}
        best: dict[str, float] = {}
        # any word of a multi-word synonym is as near as the phrase: "chief public relations officer"
        covered = {t: {k for lo, hi in self.phrase_spans(p, t) for k in range(lo, hi)} for t in terms}
        for j, term in enumerate(p.terms):
            if m.tok <= j < m.tok_end or p.stops[j]:
                continue
            for t in terms:
                syn = self._synonyms(t)
                synonym = SPEAKER_SYNONYM_CLOSENESS if self.q.speaker else SYNONYM_CLOSENESS
                factor = 1.0 if term == t else synonym if term in syn or j in covered[t] else 0.0
                if not factor:
                    continue
                d = self.distance(p, m, j)
                if d > self.max_distance and not self.q.speaker:
                    continue
                if any(self.distance(p, o, j) < d for o in rivals):
                    factor *= SHARED_CLOSENESS
                best[t] = max(best.get(t, 0.0), factor * self.closeness(d))
        if counted:  # a borrowed noun ("101 more" of "the 278 bodies") is as near as its own would be
            best.update({t: max(best.get(t, 0.0), self.closeness(1)) for t in self.q.counted})
        context = {t: w for t, w in self.weights.items() if t not in self.anchors}
        for t in self.event_words:
            best[t] = max(best.get(t, 0.0), EVENT_WORD_CLOSENESS)
        total = sum(context.values()) + self.entity_weight * len(self.named)
        around = sum(w * best.get(t, 0.0) for t, w in context.items())
        for entity in self.named:
            if self.q.speaker and entity in self.q.speaker_entities:
                # the source phrase names it: "Kenya Red Cross secretary-general Abbas Gullet"
                around += self.entity_weight
                continue
            near = [self.distance(p, m, o.tok) for o in p.mentions if o.value == entity and o is not m]
            close = [d for d in near if d <= MAX_DISTANCE or self.q.speaker]
            around += self.entity_weight * (self.closeness(min(close)) if close else 0.0)
        around = around / total if total else 0.0
        if not self.anchors:
            return around
        anchored = max(best.get(t, 0.0) for t in self.anchors)
        inside = p.terms[m.tok : m.tok_end]
        if any(t in inside or set(inside) & (self._synonyms(t)) for t in self.anchors):
            anchored = 1.0  # "Central Command" for "which command", "Zahra neighbourhood" spans
        if counted and self.anchors == set(self.q.counted):
            anchored = 1.0  # the number's own noun ("900 troops", or borrowed: "2,500 in Iraq")
        return ANCHOR_SHARE * anchored + (1 - ANCHOR_SHARE) * (around if total else anchored)


class _NumberGates(_Proximity):
    """Whether a number counts what is asked: its counted noun, and the predicate it is bound to."""

    def counted_match(self, p: Passage, m: Mention) -> bool | None:
        """Does the number count what the question counts? None when the text does not say.

        "How many were killed" counts people: "three trains" and "200 ambulances" are not.
        """
        if not self.q.counted:
            if not self.exclusive[0]:
                return None
            noun = _counted_noun(p, m)
            if noun and any(t in word_set("perpetrator_nouns") for t in noun):
                return False  # "the four terrorists had been killed": not the victims asked about
            # "three U.S. service members": the noun's last words name who, the first may modify
            if not noun or any(t in self.exclusive_words or _person_noun(t, self.index) for t in noun):
                return None
            return False
        noun = _counted_noun(p, m)
        if not noun:
            return None
        # "28 non-Muslims" are not the Muslims asked about; "36 non-Muslim quarry workers" are workers
        noun = [t for k, t in enumerate(noun) if t != "non" and (k == 0 or noun[k - 1] != "non")]
        for c in self.q.counted:
            if (
                c in noun
                or set(noun) & self.syn[c]
                or any(has_phrase(noun, ph) for ph in phrases(c, self.index))
            ):
                return True
        return False

    def group_hits(self, p: Passage, members: set[str]) -> dict[int, set[str]]:
        """Token positions where a word or phrase of the given synonym groups ends:
        "killed" (kill), "claimed the lives" (kill, at "lives"). Not to be modified: it is cached."""
        found = self._hits.get((id(p), id(members)))
        if found is None:  # the objects are kept with the result, so their ids stay theirs
            found = self._hits[(id(p), id(members))] = (p, members, self._group_hits(p, members))
        return found[2]

    def _group_hits(self, p: Passage, members: set[str]) -> dict[int, set[str]]:
        # Each (group, phrase) is looked up by its first term, not slid over every token; the hits
        # come out in the order of the plain loops (group, phrase, position), which callers rely on.
        by_first = self._phrases_by_first(members)
        terms, stops = p.terms, p.stops
        found: list[tuple[int, int, str, int]] = []  # (order of group and phrase, end, group, start)
        for start, term in enumerate(terms):
            for order, group, phrase in by_first.get(term, ()):
                n = len(phrase)
                if terms[start : start + n] == phrase and (n > 1 or not stops[start]):
                    found.append((order, start + n - 1, group, start))
        found.sort()
        # "not been accounted for" (missing) holds "accounted for" (identified): the longest wins
        first: dict[int, int] = {}
        for _, j, _, start in found:
            first[j] = min(first.get(j, start), start)
        hits: dict[int, set[str]] = {}
        for _, j, group, start in found:
            if start == first[j]:
                hits.setdefault(j, set()).add(group)
        return hits

    def _phrases_by_first(self, members: set[str]) -> dict[str, list[tuple[int, str, list[str]]]]:
        """The groups' phrases by first term, numbered in the order the groups and phrases come."""
        key = id(members)
        cached = self._by_first.get(key)
        if cached is None:
            by_first: dict[str, list[tuple[int, str, list[str]]]] = {}
            order = 0
            for group in members:
                for phrase in self.index.groups.get(group, []):
                    if phrase:  # an empty phrase matches nothing a passage could hold
                        by_first.setdefault(phrase[0], []).append((order, group, phrase))
                    order += 1
            cached = self._by_first[key] = (members, by_first)
        return cached[1]

    def bound_predicate(self, p: Passage, m: Mention) -> set[str]:
        """Rival-set groups of a verb bound to the number: "killed three", "three people were killed"."""
        _, members = self.exclusive
        noun = list(range(m.tok_end, m.tok_end + len(_noun_after(p, m.tok_end))))
        after = m.tok_end + len(noun)
        window = noun + [j for j in range(after, min(len(p.terms), after + 4)) if not p.stops[j]][:1]
        # "500 students have not been accounted for": a phrase may end a few words on, in the clause
        for j in range(after, min(len(p.terms), after + BOUND_REACH)):
            if p.terms[j] in (",", ";", ".", "and") and p.depth[j] == 0:
                break
            window.append(j)
        before = [j for j in range(m.tok - 1, max(-1, m.tok - 3), -1) if not p.stops[j]][:1]
        hits = self.group_hits(p, members)
        groups: set[str] = set()
        for j in window + before:
            groups |= hits.get(j, set())
        return groups

    def predicate_ok(self, p: Passage, m: Mention) -> bool:
        """Is the number bound to the predicate asked about, and not to a rival one?"""
        asked, members = self.exclusive
        if not asked:
            # "three killed" is no answer to "how many members"; "all four attackers are dead" is
            # to "how many attackers were there": the whole, counted by its own noun, of which a
            # clause says what befell it ("the three soldiers killed in ..." names only those)
            total = m.tok > 0 and p.terms[m.tok - 1] in word_set("total_markers") and self.counted_match(p, m)
            hits = self.group_hits(p, self.exclusive[1])
            noun = range(m.tok_end, m.tok_end + len(_noun_after(p, m.tok_end)))
            clause = not any(j in hits for j in noun) and (noun.stop >= len(p.terms) or p.stops[noun.stop])
            return bool(total and clause) or not self.bound_predicate(p, m)
        nearest: tuple[int, set[str]] | None = None
        whole = _partitive_whole(p, m)
        for j, groups in self.group_hits(p, members).items():
            if m.tok <= j < m.tok_end or (whole and j >= m.tok_end):
                continue  # "of the 278 bodies, 177 have been identified": the verb is the part's
            if j > m.tok and p.terms[j - 1] == "the" and p.terms[j] in word_set("people_after_the"):
                # "1,200 personnel to rush the injured": people named after the number, as the
                # object of its own verb ("the dead included 12 students" stays bound)
                continue
            # A rival predicate across "and" or a comma belongs to its own clause: "revised the
            # toll to 275 ... and put the number of injured at 1,175".
            d = self.distance(p, m, j, break_cost=PREDICATE_BREAK_COST, breaks_at=PREDICATE_BREAKS)
            if d <= MAX_DISTANCE + PREDICATE_BREAK_COST and (
                nearest is None or d < nearest[0] or (d == nearest[0] and groups & asked)
            ):
                nearest = (d, groups)
        return nearest is not None and bool(nearest[1] & asked)

    def number_factor(self, p: Passage) -> float:
        """A sentence without the count the question names ("the 85 targets") is about
        something else, most likely."""
        if not self.q.numbers:
            return 1.0
        counts = {float(o.value) for o in p.mentions if o.kind == "count"}
        return 1.0 if counts & set(self.q.numbers) else OTHER_NUMBER_FACTOR

    def reference_ok(self, p: Passage, m: Mention) -> bool:
        """Is a measure taken from what the question names? "250 km south of Kolkata" answers
        "how far from Kolkata"; "130 miles from the border" does not. True when the text
        names no reference point."""
        reference = _reference(p, m)
        if not reference:
            return True
        asked = self.named_terms
        return any(t in asked or asked & self._synonyms(t) for t in reference)

    @cached_property
    def named_terms(self) -> set[str]:
        """The question's words and the terms of every name it gives, computed once."""
        asked = {*self.q.focus, *self.q.entity_terms}
        for e in self.q.entities:
            asked.update(self.index.term_maker.terms(self.entities[e].name))
        return asked

    def age_ok(self, m: Mention) -> bool:
        """An age answers "how old is X" only when it is X's age."""
        people = [e for e in self.q.entities if self.entities[e].kind == "person"]
        return not people or m.of in people


class _NameGates(_Proximity):
    """Whether a name holds the role or type asked about, in the discourse of the organization asked about."""

    def role_ok(self, p: Passage, m: Mention) -> bool:
        """Is the name next to the role or type asked for, with no other name closer to it?"""
        wanted = self.q.role if m.kind == "person" else self.q.type_noun
        if not wanted:
            return True
        if m.kind == "place" and wanted in CITY_TYPES | COUNTRY_TYPES:
            entity = self.entities[m.value]
            if wanted in COUNTRY_TYPES:
                return entity.is_country
            return entity.gazetteer and not entity.is_country  # a city the gazetteer knows, not a district
        roles = {wanted} | synonyms(wanted, self.index, narrow=True)
        if any(t in roles for t in p.terms[m.tok : m.tok_end]):
            return True  # "Central Command" answers "which command"
        if m.kind != "person" and m.tok_end < len(p.terms) and p.terms[m.tok_end] in roles:
            return True  # "from Shalimar station": the type said right after the name
        if m.kind in ("org", "place") and roles & set(self.entities[m.value].types):
            return True  # the corpus calls it a militia elsewhere ("Liwa al-Nasr militia")
        titled = _titled(p, m, roles)
        if titled is not None:
            # "Prime Minister Ali Hassan al-Amin" holds the title before his name
            return self.office_ok(p, titled)
        # "chief public relations officer" for a spokesperson: a role phrase ends at its last word
        ends = {hi - 1 for _, hi in self.phrase_spans(p, wanted)}
        for k in (apposed_before(p.terms, m.tok), apposed_after(p.terms, m.tok_end)):
            if k is None or m.kind != "person":
                continue
            if (p.terms[k] in roles or k in ends) and self.office_ok(p, k):
                return True  # "the head of the county police, Tomas Brell": however long the phrase
        if _complement(p, m):
            return False  # "the spokesman for Prime Minister X": X is not the spokesman
        others = [
            o for o in p.mentions
            if o.kind in NAME_KINDS and o is not m and o.value != m.value
            and (not _complement(p, o) or (o.tok_end < len(p.terms) and p.terms[o.tok_end] in roles))
        ]  # fmt: skip
        # A person's role may sit a clause away ("the commander of ..., Omar Al-Haddad"); the
        # type of a place or group is said right next to it ("the Zahra neighbourhood").
        limit = ROLE_DISTANCE if m.kind == "person" else TYPE_DISTANCE
        for j, term in enumerate(p.terms):
            if term not in roles and j not in ends:
                continue
            if j + 1 < len(p.terms) and p.terms[j + 1] in HEAD_TITLES and p.terms[j + 1] not in roles:
                continue  # "the state's chief secretary Pradeep Jena": a secretary, not a chief
            d = self.distance(p, m, j)
            if d <= limit and all(self.distance(p, o, j) >= d for o in others) and self.office_ok(p, j):
                return True
        return False

    def office_ok(self, p: Passage, j: int) -> bool:
        """Does the role word at j carry the words that make it the office asked about?

        "Railway Minister X" is the railway minister; "Chief Minister Y" is not. The words
        stand just before the role word, or after it in its complement ("administrator of
        the state's Balasore district").
        """
        wanted = self.q.role_words
        if not wanted:
            return True
        around = set(p.terms[max(0, j - OFFICE_REACH) : j])
        if j + 1 < len(p.terms) and p.terms[j + 1] in ("of", "for", "at"):
            around |= set(p.terms[j + 2 : j + 2 + 2 * OFFICE_REACH])
        return all(w in around or around & self._synonyms(w) for w in wanted)

    def in_discourse(self, number: int, p: Passage) -> bool:
        """Does the organization a role question names appear in the sentence or just before it?

        "Who leads the Ansar fighters" is not answered by "Its leader Karim al-Nouri" in an article
        about Liwa al-Nasr; "who is the leader of Liwa al-Nasr" is, since the group was
        named a few sentences earlier.
        """
        wanted = [e for e in self.q.entities if self.entities[e].kind in ("org", "norp")]
        if not wanted:
            return True
        for back in range(0, DISCOURSE_WINDOW + 1):
            if number - back < 0:
                break
            earlier = self.index.passage(number - back)
            if earlier.doc_id != p.doc_id:
                break
            if any(o.value in wanted for o in earlier.mentions):
                return True
            if any(key in earlier.terms for e in wanted for key in self.entities[e].keys):
                return True  # "for Iraqi Prime Minister X": the demonym went with the title
        return False


class _PlaceGates(_Proximity):
    """Whether a mention fits the places asked about, and a place answer is where rather than who."""

    def place_factor(self, p: Passage, m: Mention) -> tuple[float, str | None]:
        """0 when the mention is tied to a place the question rules out; else how well it fits."""
        refs = [r for r in p.places if r.depth <= m.depth] or p.places
        anchor, inherited = None, False
        if refs:
            anchor = min(refs, key=lambda r: self.distance(p, m, r.tok)).entity
        elif m.place:
            anchor = m.place  # where the article puts this date's event elsewhere
        elif p.context_place:
            anchor, inherited = p.context_place, True
        asked = self.q.places or self.q.soft_places
        if not asked:
            return 1.0, anchor
        if anchor is None:
            # "how many were injured in Syria" in coverage of a strike elsewhere: a sentence
            # that names no place is about the main event, not the one asked about.
            frame = frame_of(self.index)
            if self.q.places and not any(is_main_place(frame, self.index, q) for q in self.q.places):
                return 0.0, None
            return PLACE_UNKNOWN, None
        verdicts = [compatible(self.entities[anchor], self.entities[q], self.entities) for q in asked]
        if any(v is True for v in verdicts):
            return (PLACE_INHERITED if inherited else PLACE_IN_SENTENCE), anchor
        if all(v is False for v in verdicts):
            return (0.0 if self.q.places else SOFT_PLACE_MISMATCH), anchor
        return PLACE_UNKNOWN, anchor

    def answer_place_ok(self, m: Mention) -> bool:
        """For place answers: where something is, not the place asked about, inside it if asked."""
        stated_type = self.q.type_noun and self.q.type_noun not in CITY_TYPES | COUNTRY_TYPES
        if not m.locative and not stated_type:
            return False  # "US troops", "Iran-backed": a place named, but not as where
        candidate = self.entities[m.value]
        for q in self.q.excluded:  # "besides Iraq and Syria": neither, nor anywhere inside them
            if candidate.id == q or compatible(candidate, self.entities[q], self.entities) is True:
                return False
        for q in self.q.places:
            asked = self.entities[q]
            if candidate.id == asked.id:
                return False
            # "where in Mosul" wants what lies inside it; "where is Camp 9" what holds it
            inside_only = contains(candidate, asked, self.entities) or (
                compatible(candidate, asked, self.entities) is False
            )
            if self.q.inside and inside_only:
                return False
        return True


class _SourceGates(_Proximity):
    """Whether a mention comes from the source, speaker, zone and day the question names."""

    def source_ok(self, m: Mention) -> bool:
        """Is the mention attributed to the source the question names, if it names one?"""
        if not self.q.according or set(self.q.according) <= word_set("generic_sources"):
            return True
        if not m.attribution:
            return False
        said_by = set(self.index.term_maker.terms(m.attribution))
        home = said_by & word_set("home_government_words")
        return all(
            _said_by(t, said_by, self.index) or (home and t in self.home_terms) for t in self.q.according
        )

    @cached_property
    def home_terms(self) -> set[str]:
        """The terms of the main event's places: "the Odisha government" may be "the state government"."""
        maker = self.index.term_maker
        return {t for e in frame_of(self.index).places for t in maker.terms(self.entities[e].name)}

    def speaker_ok(self, p: Passage, m: Mention) -> bool:
        """For "who said ...": is the mention the source its sentence names, by the verb asked
        about when that is narrower than "say" ("who announced")?"""
        if not m.attribution or m.text.rstrip("'s").strip() not in m.attribution:
            return False
        if self.q.speech and m.said_with and m.said_with not in GENERIC_ATTRIBUTION:
            return m.said_with == self.q.speech or m.said_with in synonyms(self.q.speech, self.index)
        return True

    def zone_ok(self, m: Mention) -> bool:
        """For "what time ... in GMT": a time in that zone (no zone given counts as local); for
        "... in the evening", a time in the evening."""
        if m.kind != "time":
            return True
        if self.q.day_part and m.value[:2].isdigit():
            lo, hi = self.q.day_part
            if not lo <= int(m.value[:2]) < hi:
                return False  # "in the evening": not 05:30
        if not self.q.zone:
            return True
        return (m.qualifier or "local") == self.q.zone

    def date_factor(self, p: Passage) -> float:
        """A sentence dated to another day than the one the question names is about another event."""
        if not self.q.dates:
            return 1.0
        years = [d for d in self.q.dates if len(d) == 4]
        stated = [o.value for o in p.mentions if o.kind == "date" and (o.precision == "day" or years)]
        if not stated:
            # "killed in 2011" in coverage of a 2021 flood: an undated sentence is about the main event
            event_year = frame_of(self.index).year
            return OTHER_DAY_FACTOR if event_year and any(int(y) != event_year for y in years) else 1.0
        said = any(v == d or (len(d) == 4 and v.startswith(d)) for v in stated for d in self.q.dates)
        return 1.0 if said else OTHER_DAY_FACTOR


class _Scorer(_NumberGates, _NameGates, _PlaceGates, _SourceGates):
    """Scores the mentions of one question against passages: closeness (_Proximity) and the
    gates and factors of each concept. `candidates` below decides which apply to a mention."""


COMPLEMENT_PREPOSITIONS = {"for", "of", "to", "with", "from", "by", "against", "under", "on", "at"}


def _titled(p: Passage, m: Mention, roles: set[str]) -> int | None:
    """Where one of the roles heads the title right before the name (titles and demonyms
    only), or None. The head is the title word nearest the name: "Chief Secretary Pradeep
    Jena" is a secretary, not a chief; "Fire Services Chief Sudhanshu Sarangi" is a chief."""
    k = m.tok - 1
    while k >= 0 and (p.terms[k] in roles or p.terms[k] in ("-", ".") or _title_word(p.terms[k])):
        if p.terms[k] in roles:
            return k
        if p.terms[k] in HEAD_TITLES:
            return None  # another office heads the title; the role only qualifies it
        k -= 1
    return None


def _complement(p: Passage, m: Mention) -> bool:
    """Is the name the object of a preposition ("leader of Liwa al-Nasr")? Titles between
    the preposition and the name do not count ("for Iraqi Prime Minister X")."""
    k = m.tok - 1
    while k >= 0 and (p.terms[k] in ("the", "-") or _title_word(p.terms[k])):
        k -= 1
    return k >= 0 and p.terms[k] in COMPLEMENT_PREPOSITIONS


def _said_by(term: str, source_terms: set[str], index: Index) -> bool:
    """Does a source phrase contain the question's word, as spelled, a synonym, or a near
    spelling ("ansar" for "Ansar rebels")?"""
    from rapidfuzz import fuzz

    if term in source_terms or source_terms & synonyms(term, index):
        return True
    return any(len(t) > 3 and fuzz.ratio(term, t) >= 85 for t in source_terms)


REFERENCE_LINKS = {"of", "from", "away", "off", "the", "-", "to"}


def _reference(p: Passage, m: Mention) -> list[str]:
    """What a measure is measured from: "250 km south of Kolkata" -> [kolkata], "100 miles
    from the Somali border" -> [somali, border]; [] when the words after it say nothing."""
    k = m.tok_end
    linked = False
    while k < len(p.terms) and (p.terms[k] in REFERENCE_LINKS or p.terms[k] in DIRECTIONS):
        linked = linked or p.terms[k] in ("of", "from", "off")
        k += 1
    if not linked:
        return []
    found: list[str] = []
    while k < len(p.terms) and len(found) < 2 and not p.stops[k] and p.terms[k].isalpha():
        found.append(p.terms[k])
        k += 1
    return found


def _person_noun(term: str, index: Index) -> bool:
    """Does the term name people ("students", "guards", or a synonym of one)?"""
    people = _PERSON_NOUNS.get(index)
    if people is None:
        listed = set(words("person_nouns"))
        people = listed | {s for w in listed for s in synonyms(w, index)}
        _PERSON_NOUNS[index] = people
    return term in people


_PERSON_NOUNS: WeakKeyDictionary[Index, set[str]] = WeakKeyDictionary()


PART_REACH = 3  # words before a number that a part marker may stand


def _part(p: Passage, m: Mention) -> bool:
    """Is the number a part of a whole ("included 12 students", "among them three children")?"""
    before = set(p.terms[max(0, m.tok - PART_REACH) : m.tok])
    return bool(word_set("part_markers") & before) and not before & CLAUSE_BREAKS


def _partitive_whole(p: Passage, m: Mention) -> bool:
    """Is the number the whole a part is taken from ("of the 278 bodies, 177 ...")?"""
    k = m.tok - 1
    if k >= 0 and p.terms[k] == "the":
        k -= 1
    if k < 0 or p.terms[k] != "of":
        return False
    after = m.tok_end + len(_noun_after(p, m.tok_end))
    return (
        after + 1 < len(p.terms)
        and p.terms[after] == ","
        and any(o.kind == "count" and o.tok == after + 1 for o in p.mentions)
    )


def _modifier(p: Passage, m: Mention) -> bool:
    """Is the number joined to the next word ("the three-train crash", "a 24-hour curfew")? Then
    it describes that word; it counts nothing."""
    return p.text[m.end : m.end + 1] == "-" and p.text[m.end + 1 : m.end + 2].isalpha()


def _counted_noun(p: Passage, m: Mention) -> list[str]:
    """The terms right after a number that say what it counts; elliptical numbers borrow them.

    "900 troops in Syria and 2,500 in Iraq": 2,500 is followed by a preposition, so it
    counts what the number before it counts.
    """
    noun = _noun_after(p, m.tok_end)
    if noun:
        return noun
    k = m.tok_end
    if k < len(p.terms) and p.terms[k] == "of":  # "15 of the Muslims": the partitive's noun
        k += 2 if k + 1 < len(p.terms) and p.terms[k + 1] == "the" else 1
        if noun := _noun_after(p, k):
            return noun
    joined = _joined_count(p, m)
    if joined is not None:  # "10 to 12 coaches": the range's noun follows its other end
        return _noun_after(p, joined.tok_end)
    # "the three-train crash ... to 275": a number modifying a noun counts no list it begins
    earlier = [
        o for o in p.mentions
        if o.kind == "count" and o.tok_end <= m.tok and m.tok - o.tok_end <= 8 and not _modifier(p, o)
    ]  # fmt: skip
    # "of the 278 bodies, 177 have been identified while 101 more ...": borrowed along the chain
    return _counted_noun(p, earlier[-1]) if earlier else []


def _noun_after(p: Passage, k: int) -> list[str]:
    found = []
    for j in range(k, min(len(p.terms), k + 4)):
        if p.terms[j] == "-":
            continue
        if p.stops[j]:
            break
        found.append(p.terms[j])
    return found


SOURCE_PREFIX = "src:"  # values of sources that name no entity: "src:us officials"


def _speakers(scorer: _Scorer, p: Passage, number: int, relevance: float) -> list[Candidate]:
    """For "who said ...": the sources the passage attributes its claims to, as candidates.

    A source naming a person or organization the corpus knows ("a statement from the US
    Central Command") takes that entity as its value, so articles wording it differently
    agree; otherwise the phrase itself is the value ("U.S. officials").
    """
    q = scorer.q
    found = []
    for ref in p.sources:
        verb = 1.0
        if q.speech and ref.verb != q.speech and ref.verb not in synonyms(q.speech, scorer.index):
            if ref.verb not in GENERIC_ATTRIBUTION:
                continue
            verb = GENERIC_VERB_FACTOR  # "who announced": "X said" is weaker than "X announced"
        if len(ref.text.split()) == 1 and ref.text.islower():
            continue  # "the group said": who that is, the sentence does not say
        folded = f" {name_key(ref.text)} "
        described = q.speaker_entities
        if described and not any(f" {k} " in folded for e in described for k in scorer.entities[e].keys):
            continue  # "which White House official said": the source must be of the White House
        # "which White House official": the person in "White House spokesman John Kirby"
        entity = _entity_in(ref.text, scorer.index, ("person", "org") if "org" in q.accept else ("person",))
        if entity in q.entities and entity not in q.speaker_entities:
            continue
        if q.kind == "organization" and (entity is None or scorer.entities[entity].kind != "org"):
            continue  # "which newspaper said": an organization the corpus knows
        if "org" not in q.accept and (
            (entity and scorer.entities[entity].kind == "org")
            or any(folded.strip() in scorer.entities[e].keys for e in described)
        ):
            continue  # "which Red Cross official said": not the Red Cross itself
        value = entity or SOURCE_PREFIX + name_key(ref.text)
        kind = scorer.entities[entity].kind if entity else "other"
        mention = Mention(
            kind="org" if kind == "org" else "person" if kind == "person" else "other",
            start=ref.start, end=ref.end, tok=ref.tok, tok_end=ref.tok + 1, text=ref.text,
            value=value, attribution=ref.text, said_with=ref.verb,
        )  # fmt: skip
        factor, _ = scorer.place_factor(p, mention)
        support = scorer.support(p, mention)
        score = support * relevance * factor * verb * scorer.number_factor(p) * scorer.date_factor(p)
        if score > 0:
            found.append(Candidate(passage=number, mention=mention, score=score, support=support))
    return found


def _with_range(p: Passage, m: Mention) -> Mention:
    """The count as said with the rest of its range: "10 to 12" (its value stays the first number)."""
    upper = _range_upper(p, m)
    if upper is None:
        return m
    return m.model_copy(
        update={"text": p.text[m.start : upper.end], "end": upper.end, "tok_end": upper.tok_end}
    )


EARLIER_REACH = 4  # tokens before a figure an earlier-marker may stand: "was earlier put at 288"


def _earlier_figure(p: Passage, m: Mention) -> bool:
    """Does the text mark the figure as an earlier one ("from 288", "was earlier put at 288")?"""
    before = p.terms[max(0, m.tok - EARLIER_REACH) : m.tok]
    return bool(set(before) & word_set("earlier_markers"))


def _joined_count(p: Passage, m: Mention) -> Mention | None:
    """The count right after this one, joined by "to" or "or" ("10 to 12", "from 233 to 261")."""
    if m.tok_end >= len(p.terms) or p.terms[m.tok_end] not in ("to", "or"):
        return None
    return next((o for o in p.mentions if o.kind == "count" and o.tok == m.tok_end + 1), None)


def _range_upper(p: Passage, m: Mention) -> Mention | None:
    """The count closing the range this one opens ("10 to 12 coaches", "two or three"); None for
    a change ("rose from 233 to 261": each figure stands) or no range."""
    upper = _joined_count(p, m)
    if upper is None or (m.tok > 0 and p.terms[m.tok - 1] in ("from", "between")):
        return None
    try:
        return upper if float(m.value) < float(upper.value) else None
    except ValueError:
        return None


def _range_end(p: Passage, m: Mention) -> bool:
    """Is the count the upper end of a range? Then the range is its first number's answer."""
    return any(_range_upper(p, o) is m for o in p.mentions if o.kind == "count")


BOUND_REACH = 7  # tokens after a count's noun its verb phrase may end: "have not been accounted for"
STATEMENT_REACH = 3  # tokens between a speech verb and the day it dates: "said late on Saturday"


def _dateline(p: Passage, m: Mention) -> bool:
    """Is the date the dateline that opens a report ("New Delhi, June 3:", "Balasore, Jun 3 (PTI)")?"""
    if p.i > 2 or m.tok == 0 or m.tok_end >= len(p.terms):  # a dateline opens the article
        return False
    before = p.terms[: m.tok]
    return before[-1] == "," and p.terms[m.tok_end] in (":", "(", "-", "–", "—") and len(before) <= 6


def _statement_date(p: Passage, m: Mention) -> bool:
    """Does the date follow the verb that attributes the sentence ("the railway said on Saturday",
    "Kenyatta said Friday")? It dates the statement, not what was said."""
    return any(
        ref.verb != "accord"
        and (0 < m.tok - ref.tok <= STATEMENT_REACH or (ref.tok < m.tok and 0 <= m.start - ref.end <= 4))
        for ref in p.sources
    )  # the second: "said spokesperson Aditya Chowdhury on Saturday"


RESTATE_REACH = 4  # tokens between a figure and its restatement: "19:00 local time (13:30 GMT)"


def _restated(p: Passage, m: Mention) -> Mention | None:
    """The figure a bracketed one restates just after it ("19:00 local time (13:30 GMT)", "20 mln
    shillings ($215,000) reward"): the same fact, as close to the question's words as it is."""
    if m.kind == "time" and m.qualifier not in (None, "local"):
        kinds: tuple[str, ...] = ("time",)
    elif m.kind == "measure":
        kinds = ("measure", "count")
    else:
        return None
    before = [o for o in p.mentions if o.kind in kinds and o.tok_end <= m.tok <= o.tok_end + RESTATE_REACH]
    if not before or "(" not in p.terms[before[-1].tok_end : m.tok]:
        return None
    return before[-1]


def _entity_in(text: str, index: Index, kinds: tuple[str, ...] = ("person", "org")) -> str | None:
    """The person or organization a source phrase names, by the longest name the corpus knows."""
    # "Arnolda Shiundu, a Kenyan Red Cross official": the apposition's commas split no name
    return index.longest_entity_in(name_key(re.sub(r"[,;:()]", " ", text)), kinds)


def _alias_candidate(q: Question, p: Passage, m: Mention, number: int, relevance: float) -> Candidate | None:
    """For "what is X also called": another name of X; best where the sentence states both."""
    if m.kind not in NAME_KINDS or m.value not in q.entities or name_key(m.text) in q.named_keys:
        return None
    stated = any(o.value == m.value and name_key(o.text) in q.named_keys for o in p.mentions)
    support = 1.0 if stated else 0.4
    return Candidate(passage=number, mention=m, score=support * relevance, support=support, place=None)


def candidates(question: Question, index: Index, hits: list[Hit]) -> list[Candidate]:
    """Every mention of the retrieved passages that may answer the question, scored."""
    if not hits:
        return []
    scorer = _Scorer(question, index)
    top = hits[0].score or 1.0
    # Facts dated or placed in another event answer only a question that names that event.
    frame = frame_of(index)
    named_places = [*question.places, *question.soft_places]
    check_places = not named_places
    check_years = not question.dates and all(is_main_place(frame, index, e) for e in named_places)
    # Names the question gives (other than the main event's places) point at their own event.
    named = frozenset(e for e in question.entities if not (e in frame.places or e in named_places))
    # "when was the Westgate attack": an event the question names by a name the openings never use
    # is another event; the main event's day, in a sentence not naming it, is not that one's
    maker, entities = index.term_maker, index.entities
    foreign = frozenset(
        e for e in question.event_names
        if e not in frame.places
        and not any(set(maker.terms(k)) & frame.terms for k in [entities[e].name, *entities[e].keys])
    )  # fmt: skip
    found: list[Candidate] = []
    for hit in hits:
        number, score = hit.passage, hit.score
        p = index.passage(number)
        relevance = 0.5 + 0.5 * max(0.0, score) / top
        if question.speaker:
            found += _speakers(scorer, p, number, relevance)
            continue
        for m in p.mentions:
            if m.kind not in question.accept or not scorer.source_ok(m) or not scorer.zone_ok(m):
                continue
            if question.alias:
                if alias := _alias_candidate(question, p, m, number, relevance):
                    found.append(alias)
                continue
            if m.kind in NAME_KINDS and m.value in question.entities:
                continue
            if m.kind in TIMED_KINDS and other_event(frame, index, p, m, check_places, check_years, named):
                continue
            if (
                m.kind == "date" and foreign and m.value == frame.day
                and not any(o.value in foreign for o in p.mentions)
            ):  # fmt: skip
                continue
            if m.kind == "count" and question.latest and _earlier_figure(p, m):
                continue  # "the revised toll": not "was earlier put at 288", not "to 275 from 288"
            if m.kind == "count" and (_modifier(p, m) or _range_end(p, m)):
                continue  # "10 to 12 coaches": the range is its first number's answer, not two
            if (
                m.kind in ("date", "time")
                and not question.statement
                and (_dateline(p, m) or _statement_date(p, m))
            ):
                continue  # "New Delhi, June 3:", "the railway said on Saturday": when it was reported
            if m.kind == "measure" and (m.precision != question.measure or not scorer.reference_ok(p, m)):
                continue  # "how far": a distance, not a sum of money; from what was asked
            counted = scorer.counted_match(p, m) if m.kind == "count" else None
            if m.kind == "count" and (counted is False or not scorer.predicate_ok(p, m)):
                continue
            if m.kind == "count" and counted is None and question.counted and m.qualifier not in CONTINUING:
                continue  # "how many police officers died": "15 died" is everyone, not them
            if m.kind == "count" and not question.counted and _part(p, m):
                continue  # "how many were killed": not "the dead included 12 students"
            if m.kind == "age" and not scorer.age_ok(m):
                continue
            if question.speaker and not scorer.speaker_ok(p, m):
                continue
            if not question.speaker and not scorer.role_ok(p, m):
                continue
            if question.role and m.kind == "person" and not scorer.in_discourse(number, p):
                continue
            anchor: str | None
            if m.kind == "place":
                if not scorer.answer_place_ok(m):
                    continue
                if question.where_at and m.tok > 0 and p.terms[m.tok - 1] in ("from", "to"):
                    continue  # "near which station": not the one the train set out from or went to
                factor, anchor = 1.0, m.value
            else:
                factor, anchor = scorer.place_factor(p, m)
                if factor == 0.0:
                    continue
            restated = _restated(p, m)
            if restated and restated.kind == "measure" and m.kind == "measure" and not question.unit:
                continue  # "$217,000 (£140,000)": the same sum again, unless asked in pounds
            support = scorer.support(p, restated or m, counted=bool(counted))
            if m.kind == "measure" and _reference(p, m):
                # "about 250 km south of Kolkata" for "how far from Kolkata": the point it is taken
                # from (reference_ok checked it is the one asked) pins the measure as an anchor would
                support = max(support, ANCHOR_SHARE)
            if support <= 0.0:
                continue
            value = support * factor * relevance * scorer.date_factor(p) * scorer.number_factor(p)
            if m.kind == "measure" and question.unit and not m.value.endswith(f" {question.unit}"):
                value *= OTHER_UNIT_FACTOR  # "in miles": the figure in km is the same fact, less wanted
            value *= HEADING_FACTOR if p.heading else 1.0
            shown = _with_range(p, m) if m.kind == "count" else m
            found.append(Candidate(passage=number, mention=shown, score=value, support=support, place=anchor))
    return found
