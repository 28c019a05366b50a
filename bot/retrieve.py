"""Retrieval: the question's terms, widened by the synonym lexicon, scored by BM25."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.store import Index

if TYPE_CHECKING:  # question.py uses this module's lexicon helpers
    from bot.question import Question

SYNONYM_WEIGHT = 0.5
# A question word the coverage never uses ("died") is searched through its synonyms
# ("killed"), which then stand in for it almost fully.
STAND_IN_WEIGHT = 0.9
DEFAULT_TOP_K = 100


def synonyms(term: str, index: Index, narrow: bool = False) -> set[str]:
    """One-word entries sharing a synonym group with `term` (not `term` itself).

    `narrow` keeps only the smallest group holding it: "sergeant" is in both
    [sergeant, sgt] and the wider soldier group; a question about a sergeant means the first.
    """
    groups = index.groups_of_term.get(term, [])
    if narrow and groups:
        groups = [min(groups, key=lambda g: len(index.groups[g]))]
    found = {p[0] for g in groups for p in index.groups[g] if len(p) == 1}
    found.discard(term)
    return found


def has_phrase(terms: list[str], phrase: list[str]) -> bool:
    """Does the term sequence contain the phrase's terms in a row?"""
    n = len(phrase)
    return any(terms[i : i + n] == phrase for i in range(len(terms) - n + 1))


def phrases(term: str, index: Index) -> list[list[str]]:
    """Multi-word entries sharing a group with `term` ("service member" for "troop")."""
    return [p for g in index.groups_of_term.get(term, []) for p in index.groups[g] if len(p) > 1]


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


def retrieve(question: Question, index: Index, k: int = DEFAULT_TOP_K) -> list[tuple[int, float]]:
    """The k passages that best match the question, best first, with their BM25 scores."""
    return index.postings.top(query_terms(question, index), k)
