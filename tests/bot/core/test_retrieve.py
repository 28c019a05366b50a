"""Retrieval: the question's terms, widened by the synonym lexicon, ranked by BM25."""

from __future__ import annotations

from bot.core.question import analyse
from bot.core.retrieve import DEFAULT_TOP_K, SYNONYM_WEIGHT, query_terms, retrieve
from index.store import Index


def test_query_terms_own_words_full_synonyms_less(index: Index) -> None:
    weights = query_terms(analyse("how many were killed in the strike?", index), index)
    assert weights.get("kill") == 1.0, f"expected the question's own 'kill' at 1.0, got {weights.get('kill')}"
    assert 0 < weights.get("die", 0) < 1.0, (
        f"expected synonym 'die' weighted below 1.0, got {weights.get('die')}"
    )
    assert weights.get("dead") == SYNONYM_WEIGHT, (
        f"expected 'dead' at {SYNONYM_WEIGHT}, got {weights.get('dead')}"
    )


def test_retrieve_best_first_and_holding_query_terms(index: Index) -> None:
    q = analyse("what happened in the Mashtal neighbourhood?", index)
    hits = retrieve(q, index)
    assert hits, "expected passages for a question about the strike"
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True), f"expected best first, got {scores!r}"
    terms = set(query_terms(q, index))
    for n in (hit.passage for hit in hits):
        held = terms & set(index.passage(n).terms)
        assert held, f"expected passage {n} to hold a query term, got {index.passage(n).text!r}"
    assert "Mashtal" in index.passage(hits[0].passage).text, "expected a Mashtal passage first"


def test_retrieve_spelling_variants_find_same_passages(index: Index) -> None:
    british = {hit.passage for hit in retrieve(analyse("Mashtal neighbourhood", index), index)}
    american = {hit.passage for hit in retrieve(analyse("Mashtal neighborhood", index), index)}
    assert british == american, "expected neighbourhood and neighborhood to retrieve the same passages"


def test_retrieve_at_most_k(index: Index) -> None:
    q = analyse("what did the strike do?", index)
    assert len(retrieve(q, index, k=3)) <= 3, "expected at most 3 passages"
    assert len(retrieve(q, index)) <= DEFAULT_TOP_K, f"expected at most {DEFAULT_TOP_K} passages"


def test_retrieve_unknown_words_nothing(index: Index) -> None:
    assert retrieve(analyse("xylophone zeppelin?", index), index) == [], "expected no passages"
