"""answer(question) -> Answer: the one function the CLI, the REPL and Slack all call.

Flow: clean and analyse the question, retrieve passages, score candidate
mentions, group them by canonical value, keep the groups whose best evidence is
close to the best group's, and cite each article once per group with its best
sentence. No group strong enough: an empty answer with the closest passages.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from datetime import date
from pathlib import Path

from bot.extract import SOURCE_PREFIX, Candidate, candidates, contains
from bot.models import Answer, Claim, Source
from bot.question import TYPE_NOUNS, Question, analyse, clean_question
from bot.retrieve import retrieve
from bot.settings import Settings, load_settings
from index.build import BuildOptions, open_index
from index.entities import name_key
from index.store import Index

log = logging.getLogger(__name__)

# A differing answer is shown when its best evidence is at least this share of the
# best answer's: sources disagreeing is the point, but weak echoes are not answers.
RELATIVE_FLOOR = 0.5
ABSOLUTE_FLOOR = 0.2
# When over half of a question's content words never occur in the coverage, the
# coverage is not about what is asked.
MISSING_SHARE_TO_ABSTAIN = 0.5
CLOSEST_PASSAGES = 3
YES_NO_RE = re.compile(r"^(is|are|was|were|did|do|does|has|have|had|can|could|will|would|should)\b")


class QuestionError(ValueError):
    """The question cannot be answered as asked (empty, no words); the message says why."""


class Engine:
    """Answers questions from one corpus; loads (or builds) its index on first use."""

    def __init__(self, settings: Settings | None = None, corpus: Path | None = None) -> None:
        self.settings = settings or load_settings()
        self.corpus = corpus or self.settings.corpus
        self._index: Index | None = None
        self._lock = threading.Lock()

    @property
    def options(self) -> BuildOptions:
        s = self.settings
        return BuildOptions(
            corpus=self.corpus, config_dir=s.config_dir, index_dir=s.index_dir,
            spacy_model=s.spacy_model, bm25_variant=s.bm25_variant,
        )  # fmt: skip

    @property
    def index(self) -> Index:
        """The loaded index (thread-safe lazy load; raises CorpusError for a bad corpus)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = open_index(self.options)
        return self._index

    def answer(self, question: str) -> Answer:
        """Every differing answer the coverage gives to a question, each with its sources.

        Raises QuestionError for a question with nothing to answer (empty, only
        punctuation). A question longer than settings.max_question_chars is cut to
        that length and answered, with a notice.
        """
        notices: list[str] = []
        text = clean_question(question)
        limit = self.settings.max_question_chars
        if len(text) > limit:
            cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
            notices.append(f"Your question was {len(text)} characters; I read only the first {len(cut)}.")
            text = cut
        if not any(c.isalnum() for c in text):
            raise QuestionError("The question is empty. Ask something like: how many were killed in Baghdad?")
        index = self.index
        q = analyse(text, index)
        hits = retrieve(q, index)
        reason = _abstain_reason(q)
        if reason:
            notices.append(reason)
            return self._empty(q, hits, notices)
        found = candidates(q, index, hits)
        claims = self._claims(q, found)
        if not claims:
            return self._empty(q, hits, notices)
        return Answer(question=text, kind=q.kind, answers=claims, conflict=len(claims) > 1, notices=notices)

    def explain(self, question: str) -> str:
        """How a question was read and which candidates scored what: for `ask --explain`."""
        q = analyse(clean_question(question), self.index)
        hits = retrieve(q, self.index)
        lines = [
            f"kind={q.kind} accept={sorted(q.accept)} focus={q.focus} counted={q.counted} role={q.role}",
            f"entities={[self.index.entities[e].name for e in q.entities]} "
            f"places={[self.index.entities[e].name for e in q.places]} inside={q.inside}",
            f"unknown={q.unknown} missing={q.missing} abstain={_abstain_reason(q)}",
            f"type={q.type_noun} speaker={q.speaker} according={q.according} alias={q.alias} "
            f"named={q.named_keys} soft={q.soft_places} dates={q.dates} zone={q.zone}",
            "passages:",
        ]
        for n, score in hits[:8]:
            p = self.index.passage(n)
            lines.append(f"  {score:6.2f} {p.doc_id[:3]}#{p.i} {p.text[:110]}")
        lines.append("candidates:")
        for c in sorted(candidates(q, self.index, hits), key=lambda c: -c.score)[:15]:
            p = self.index.passage(c.passage)
            lines.append(
                f"  {c.score:.3f} support={c.support:.2f} {c.mention.value!r:<8} {c.mention.text!r} "
                f"place={c.place and self.index.entities[c.place].name} {p.doc_id[:3]}#{p.i}"
            )
        return "\n".join(lines)

    def _empty(self, q: Question, hits: list[tuple[int, float]], notices: list[str]) -> Answer:
        top = hits[0][1] if hits else 1.0
        closest = [self._source(n, None, s / (top or 1.0)) for n, s in hits[:CLOSEST_PASSAGES]]
        return Answer(
            question=q.text, kind=q.kind, answers=[], conflict=False, closest=closest, notices=notices
        )

    def _claims(self, q: Question, found: list[Candidate]) -> list[Claim]:
        if q.kind == "time" and not q.zone and any(c.mention.qualifier in (None, "local") for c in found):
            # "18:30 GMT" is the same moment as "9:30 p.m." local time, not a disagreement:
            # unless asked for a zone, times are local.
            found = [c for c in found if c.mention.qualifier in (None, "local")]
        groups: dict[str, list[Candidate]] = defaultdict(list)
        for c in found:
            key = name_key(c.mention.text) if q.alias else c.mention.value
            groups[key].append(c)
        if not groups:
            return []
        best = {value: max(c.score for c in members) for value, members in groups.items()}
        # "the previous month" around January 27 and 28 must not set the bar the days must reach.
        values = _drop_subsumed_dates(list(groups), best, groups, weaker=False)
        top = max(best[v] for v in values)
        kept = [v for v in values if best[v] >= max(ABSOLUTE_FLOOR, RELATIVE_FLOOR * top)]
        kept = _drop_subsumed_dates(kept, best, groups, weaker=True)
        if q.kind == "place":
            kept = self._drop_containers(kept)
        claims = []
        for value in kept:
            members = sorted(groups[value], key=lambda c: -c.score)
            per_doc: dict[str, Candidate] = {}
            for c in members:
                per_doc.setdefault(self.index.passage(c.passage).doc_id, c)
            lead = members[0]
            sources = [self._source(c.passage, c, c.score) for c in per_doc.values()]
            claim = self._claim(lead, sources)
            if q.alias or lead.mention.value.startswith(SOURCE_PREFIX):
                claim.value, claim.aliases = lead.mention.text, []
            if q.weekday and lead.mention.kind == "date" and len(claim.value) == 10:
                claim.text = date.fromisoformat(claim.value).strftime("%A")
            claims.append((len(per_doc), best[value], claim))
        claims.sort(key=lambda item: (-item[0], -item[1]))
        return [claim for _, _, claim in claims]

    def _drop_containers(self, kept: list[str]) -> list[str]:
        """Iraq around Baghdad is the same answer said less precisely, not a disagreement."""
        entities = self.index.entities
        places = [v for v in kept if v in entities]

        def holds_another(value: str) -> bool:
            return any(o != value and contains(entities[value], entities[o], entities) for o in places)

        return [v for v in kept if v not in entities or not holds_another(v)]

    def _claim(self, lead: Candidate, sources: list[Source]) -> Claim:
        m = lead.mention
        value, aliases = m.value, []
        if m.kind in ("person", "org", "place", "other", "norp") and m.value in self.index.entities:
            entity = self.index.entities[m.value]
            value = entity.name
            aliases = sorted({self._pretty(k) for k in entity.keys} - {self._pretty(entity.name)})
        return Claim(value=value, text=m.text, qualifier=m.qualifier, aliases=aliases, sources=sources)

    @staticmethod
    def _pretty(key: str) -> str:
        return key.lower().replace("-", " ").replace("'", "")

    def _source(self, number: int, c: Candidate | None, score: float) -> Source:
        p = self.index.passage(number)
        article = self.index.articles[p.doc_id]
        start, end = (c.mention.start, c.mention.end) if c else (0, 0)
        return Source(
            doc_id=p.doc_id, title=article["title"], outlet=article.get("outlet"), url=article.get("url"),
            published=article.get("published"), sentence=p.text, start=start, end=end,
            attribution=c.mention.attribution if c else None, score=round(min(1.0, max(0.0, score)), 3),
        )  # fmt: skip


def _abstain_reason(q: Question) -> str | None:
    """Why the coverage cannot answer this question at all, or None."""
    if q.unknown:
        names = ", ".join(dict.fromkeys(q.unknown))
        return f"The articles never mention {names}."
    asked = len(q.focus) + len(q.missing) + len(q.entities)
    if not asked:
        return "I could not tell what the question is about."
    if YES_NO_RE.match(q.text.lower()) and q.kind in ("other", "person", "organization"):
        return "I answer with facts the articles state (numbers, dates, names, places), not yes or no."
    described = [e for e in q.entities if e not in q.places]
    if q.kind == "person" and not (q.focus or q.role or q.speaker) and described:
        return "I answer with facts the articles state; for who or what that is, see the passages below."
    if q.kind == "other" and not (q.alias or q.type_noun in TYPE_NOUNS or q.role):
        return (
            "I answer questions whose answer is a number, date, time, person, place or group "
            "(how many, when, what time, who, where, which group); this one asks for something else."
        )
    if q.missing and len(q.missing) / asked >= MISSING_SHARE_TO_ABSTAIN:
        return f"The articles never use the words: {', '.join(q.missing)}."
    return None


def _drop_subsumed_dates(
    kept: list[str], best: dict[str, float], groups: dict[str, list[Candidate]], weaker: bool
) -> list[str]:
    """Drop a coarse date ("last month") that holds one of the days, or (`weaker`) scores below one.

    A month or week around a day is the same answer said less precisely, or a
    different event mentioned in passing; either way not a disagreement to show.
    """
    days = [v for v in kept if groups[v][0].mention.kind == "date" and len(v) == 10]
    result = []
    for value in kept:
        coarse = groups[value][0].mention.kind == "date" and len(value) < 10
        if coarse and any(d.startswith(value) or (weaker and best[d] >= best[value]) for d in days):
            continue
        result.append(value)
    return result


_default: Engine | None = None


def answer(question: str, engine: Engine | None = None) -> Answer:
    """Answer with the given engine, or a default one built from the settings."""
    global _default
    if engine is None:
        if _default is None:
            _default = Engine()
        engine = _default
    return engine.answer(question)
