"""Retrieval: the question's terms, widened by the synonym lexicon, scored by BM25."""

from __future__ import annotations

from bot.question import Question
from index.store import Index

SYNONYM_WEIGHT = 0.5
DEFAULT_TOP_K = 40


def synonyms(term: str, index: Index) -> set[str]:
    """Terms that share a synonym group with `term` (single-word entries), not `term` itself."""
    found: set[str] = set()
    for group in index.groups_of_term.get(term, []):
        for phrase in index.groups[group]:
            found.update(phrase)
    found.discard(term)
    return found


def query_terms(question: Question, index: Index) -> dict[str, float]:
    """Search terms with weights: the question's own at 1.0, their synonyms at 0.5."""
    weights: dict[str, float] = {}
    own = [*question.focus, *question.counted, *question.entity_terms]
    if question.role:
        own.append(question.role)
    for term in own:
        weights[term] = 1.0
    for term in own:
        for other in synonyms(term, index):
            weights.setdefault(other, SYNONYM_WEIGHT)
    return weights


def retrieve(question: Question, index: Index, k: int = DEFAULT_TOP_K) -> list[tuple[int, float]]:
    """The k passages that best match the question, best first, with their BM25 scores."""
    return index.postings.top(query_terms(question, index), k)
