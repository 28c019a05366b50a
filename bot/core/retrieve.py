"""Retrieval: the question's terms, widened by the synonym lexicon, scored by BM25."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.question import Question
from index.lexicon import phrases, synonyms
from index.store import Index

SYNONYM_WEIGHT = 0.5
# A question word the coverage never uses ("died") is searched through its synonyms
# ("killed"), which then stand in for it almost fully.
STAND_IN_WEIGHT = 0.9
DEFAULT_TOP_K = 100


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved passage: its number in the index and its BM25 score."""

    passage: int
    score: float


def query_terms(question: Question, index: Index) -> dict[str, float]:
    """Search terms with weights: the question's own at 1.0, their synonyms at 0.5
    (0.9 for synonyms of a word the coverage never uses)."""
    weights: dict[str, float] = {}
    own = [*question.focus, *question.counted, *question.entity_terms, *question.place_terms]
    if question.role:
        own.append(question.role)
    for term in own:
        weights[term] = 1.0
    for term in own:
        weight = SYNONYM_WEIGHT if index.postings.has(term) else STAND_IN_WEIGHT
        for other in synonyms(term, index).union(*phrases(term, index)):
            weights[other] = max(weights.get(other, 0.0), weight)
    return weights


def retrieve(question: Question, index: Index, k: int = DEFAULT_TOP_K) -> list[Hit]:
    """The k passages that best match the question, best first, with their BM25 scores."""
    return [Hit(n, score) for n, score in index.postings.top(query_terms(question, index), k)]
