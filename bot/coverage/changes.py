"""What an added (or removed) article changes in the answers: "killed in Mosul — now 3 answers".

The questions are the digest's (config/digest.toml: things counted and dated, in a
place), asked about the places the article itself names, most named first; each
is answered from the index before the change and after it, and the ones whose
answers differ are listed. Nothing here knows an event: the places and event
words come from the article.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from bot.core.digest import DigestConfig
from bot.core.engine import Engine, QuestionError
from bot.core.models import Answer
from index.store import Index

MAX_PLACES = 4
MAX_QUESTIONS = 16


class Change(BaseModel):
    """One question whose answers moved: what it asks about, and the answers before and after."""

    topic: str  # "killed in Mosul", "date of the strike in Mosul"
    question: str
    before: list[str]
    after: list[str]
    by_article: list[str] = []  # the values the changed article gives
    label: str | None = None  # the article's outlet or title, for "new: 5 per USNewsMag.com"

    def describe(self) -> str:
        """ "killed in Mosul — now 3 answers (new: 5 per USNewsMag.com)"."""
        n = len(self.after)
        now = f"now {n} answers" if n > 1 else (f"now {self.after[0]}" if n else "no answer now")
        new = [v for v in self.after if v not in self.before]
        gone = [v for v in self.before if v not in self.after]
        notes = []
        if new:
            notes.append("new: " + ", ".join(new) + (f" per {self.label}" if self.label else ""))
        if gone:
            notes.append("no longer: " + ", ".join(gone))
        if not new and not gone and self.by_article:
            notes.append(f"{self.label or 'it'} agrees: " + ", ".join(self.by_article))
        return f"{self.topic} — {now}" + (f" ({'; '.join(notes)})" if notes else "")


def questions(index: Index, doc_id: str, config: DigestConfig) -> list[tuple[str, str]]:
    """(topic, question) pairs about the places an article names, most named first."""
    places: Counter[str] = Counter()
    events: set[str] = set()
    wanted = set(config.events)
    for number in index.passages_by_doc.get(doc_id, []):
        passage = index.passage(number)
        places.update(ref.entity for ref in passage.places)
        events.update(t for t in passage.terms if t in wanted)
    counted: list[tuple[str, str]] = []
    dated: list[tuple[str, str]] = []
    for entity_id, _ in places.most_common(MAX_PLACES):
        entity = index.entities.get(entity_id)
        if entity is None:
            continue
        for thing, template in config.counts.items():
            counted.append((f"{thing} in {entity.name}", template.format(place=entity.name)))
        for event in sorted(events):
            question = config.date_question.format(event=event, place=entity.name)
            dated.append((f"date of the {event} in {entity.name}", question))
    asked = counted + dated  # counts first: they are what a follow-up article most often changes
    return asked[:MAX_QUESTIONS]


def changes(before: Engine | None, after: Engine, asked: list[tuple[str, str]], doc_id: str) -> list[Change]:
    """The questions whose answers differ between two engines (`before` None: no coverage before)."""
    found: list[Change] = []
    for topic, question in asked:
        old = _values(before, question)[0] if before else []
        new, answer = _values(after, question)
        mine = [
            c.value for c in (answer.answers if answer else []) if any(s.doc_id == doc_id for s in c.sources)
        ]
        if old == new and not mine:
            continue
        if old == new and len(new) < 2:
            continue  # it agrees with the one answer there was: nothing worth saying
        label = next(
            (
                s.outlet or s.title
                for c in (answer.answers if answer else [])
                for s in c.sources
                if s.doc_id == doc_id
            ),
            None,
        )
        found.append(
            Change(topic=topic, question=question, before=old, after=new, by_article=mine, label=label)
        )
    return found


def _values(engine: Engine, question: str) -> tuple[list[str], Answer | None]:
    try:
        answer = engine.answer(question)
    except QuestionError:
        return [], None
    return [c.value for c in answer.answers], answer
