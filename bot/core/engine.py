"""answer(question) -> Answer: the one function the CLI, the REPL and Slack all call.

Flow: clean and analyse the question (question.py), retrieve passages
(retrieve.py), score candidate mentions (extract.py), group them by canonical
value and keep the groups whose best evidence is close to the best group's,
citing each article once per group with its best sentence (claims.py). No group
strong enough: an empty answer with the closest passages.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import bot.core.claims as claims  # the module, not the package: bot/core/__init__ imports this one
from bot.core.event import frame_of
from bot.core.extract import candidates
from bot.core.models import Answer
from bot.core.question import TYPE_NOUNS, Question, analyse, clean_question
from bot.core.retrieve import Hit, retrieve
from bot.settings import Settings, load_settings
from index.articles import article_files
from index.build import BuildOptions, open_index, stat_signature
from index.store import Index

log = logging.getLogger(__name__)

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

    def refresh(self) -> bool:
        """Re-open the index when the corpus or its settings changed since it was loaded.

        Cheap when nothing changed (file names, sizes and times only). True when a new
        index replaced the old one, for views that show the coverage (Slack's App Home).
        """
        with self._lock:
            old = self._index
            if old is not None and old.meta.stat_signature == stat_signature(
                self.options, article_files(self.corpus)
            ):
                return False
            self._index = open_index(self.options)
            return old is None or self._index.fingerprint != old.fingerprint

    def pinned(self) -> Engine:
        """An engine answering from the index loaded now, whatever a later refresh swaps in
        (to compare answers before and after a change to the coverage)."""
        pinned = Engine(self.settings, self.corpus)
        pinned._index = self.index
        return pinned

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
            raise QuestionError(
                "The question is empty. Ask something like: how many were killed? or: when did it happen?"
            )
        index = self.index
        q = analyse(text, index)
        if q.reading:
            notices.append(f"I read your question as: {q.text} ({'; '.join(q.reading)}).")
        hits = retrieve(q, index)
        reason = _abstain_reason(q)
        if reason:
            notices.append(reason)
            return self._empty(index, q, hits, notices)
        found = candidates(q, index, hits)
        shown = claims.claims(q, found, index)
        if not shown:
            return self._empty(index, q, hits, notices)
        return Answer(question=text, kind=q.kind, answers=shown, conflict=len(shown) > 1, notices=notices)

    def explain(self, question: str) -> str:
        """How a question was read and which candidates scored what: for `ask --explain`."""
        q = analyse(clean_question(question), self.index)
        hits = retrieve(q, self.index)
        lines = [
            f"kind={q.kind} accept={sorted(q.accept)} focus={q.focus} counted={q.counted} role={q.role}",
            f"entities={[self.index.entities[e].name for e in q.entities]} "
            f"places={[self.index.entities[e].name for e in q.places]} inside={q.inside}",
            f"read as={q.text!r} changes={q.reading} role_words={q.role_words}",
            frame_of(self.index).describe(self.index),
            f"unknown={q.unknown} missing={q.missing} abstain={_abstain_reason(q)}",
            f"type={q.type_noun} speaker={q.speaker} according={q.according} alias={q.alias} "
            f"named={q.named_keys} soft={q.soft_places} dates={q.dates} zone={q.zone}",
            "passages:",
        ]
        for hit in hits[:8]:
            p = self.index.passage(hit.passage)
            lines.append(f"  {hit.score:6.2f} {p.doc_id[:3]}#{p.i} {p.text[:110]}")
        lines.append("candidates:")
        for c in sorted(candidates(q, self.index, hits), key=lambda c: -c.score)[:15]:
            p = self.index.passage(c.passage)
            lines.append(
                f"  {c.score:.3f} support={c.support:.2f} {c.mention.value!r:<8} {c.mention.text!r} "
                f"place={c.place and self.index.entities[c.place].name} {p.doc_id[:3]}#{p.i}"
            )
        return "\n".join(lines)

    def groups(self, question: str) -> claims.Groups:
        """A question's candidate groups before the floors pick which to show (for calibration).

        The groups a coarse date subsumes are left out, as when answering; a question
        the engine declines has none.
        """
        q = analyse(clean_question(question), self.index)
        if _abstain_reason(q):
            return {}
        groups = claims.group(q, candidates(q, self.index, retrieve(q, self.index)))
        if not groups:
            return {}
        kept = claims.drop_subsumed_dates(list(groups), claims.best_scores(groups), groups, weaker=False)
        return {value: groups[value] for value in kept}

    @staticmethod
    def _empty(index: Index, q: Question, hits: list[Hit], notices: list[str]) -> Answer:
        # `index` is the one the hits came from: a refresh may have swapped in another meanwhile.
        top = hits[0].score if hits else 1.0
        closest = [
            claims.source(index, h.passage, None, h.score / (top or 1.0)) for h in hits[:CLOSEST_PASSAGES]
        ]
        return Answer(
            question=q.text, kind=q.kind, answers=[], conflict=False, closest=closest, notices=notices
        )


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


_default: Engine | None = None


def answer(question: str, engine: Engine | None = None) -> Answer:
    """Answer with the given engine, or a default one built from the settings."""
    global _default
    if engine is None:
        if _default is None:
            _default = Engine()
        engine = _default
    return engine.answer(question)
