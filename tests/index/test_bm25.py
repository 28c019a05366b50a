"""BM25 postings: the scores rank-bm25 defines, summed from per-term arrays."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from index import bm25

CORPUS = [
    ["strike", "baghdad", "kill", "three", "commander"],
    ["strike", "jordan", "kill", "three", "soldier", "soldier"],
    ["strike", "commander"],
    ["hezbollah", "strike", "baghdad", "baghdad", "militia"],
    ["militia", "iraq", "troop", "troop", "troop", "syria", "iraq"],
    ["strike"],
]
QUERIES = [["strike"], ["baghdad", "kill"], ["hezbollah", "strike", "militia"], ["troop", "iraq"]]
K1, B, DELTA = 1.2, 0.75, 1.0


def reference(variant: str):
    if variant == "okapi":
        return BM25Okapi(CORPUS, k1=K1, b=B)
    if variant == "l":
        return BM25L(CORPUS, k1=K1, b=B, delta=DELTA)
    return BM25Plus(CORPUS, k1=K1, b=B, delta=DELTA)


@pytest.mark.parametrize("variant", ["plus", "okapi", "l"])
@pytest.mark.parametrize("query", QUERIES, ids=["-".join(q) for q in QUERIES])
def test_postings_scores_equal_rank_bm25(variant: str, query: list[str]) -> None:
    postings = bm25.build(CORPUS, variant, K1, B, DELTA)
    got = postings.scores({t: 1.0 for t in query})
    expected = reference(variant).get_scores(query)
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-5), (
        f"{variant} {query}: expected {expected}, got {got}"
    )


@pytest.mark.parametrize("variant", bm25.VARIANTS)
def test_postings_unknown_term_scores_zero(variant: str) -> None:
    got = bm25.build(CORPUS, variant, K1, B, DELTA).scores({"unknown": 1.0})
    assert not got.any(), f"{variant}: expected all zeros for an unknown term, got {got}"


def test_postings_query_weight_scales_term() -> None:
    postings = bm25.build(CORPUS)
    single = postings.scores({"baghdad": 1.0})
    half = postings.scores({"baghdad": 0.5})
    assert np.allclose(half, single * 0.5, rtol=1e-5), f"expected half the scores, got {half} vs {single}"


def test_postings_top_best_first_among_holders() -> None:
    postings = bm25.build(CORPUS)
    top = postings.top({"baghdad": 1.0}, 10)
    assert [d for d, _ in top] == [3, 0], f"expected passages 3 (baghdad twice) then 0, got {top!r}"
    scores = [s for _, s in top]
    assert scores == sorted(scores, reverse=True), f"expected scores best first, got {scores!r}"


def test_postings_top_limits_to_k() -> None:
    postings = bm25.build(CORPUS)
    top = postings.top({"strike": 1.0}, 2)
    assert len(top) == 2, f"expected 2 passages, got {len(top)}"


def test_postings_top_unknown_terms_is_empty() -> None:
    postings = bm25.build(CORPUS)
    assert postings.top({"nothing": 1.0}, 5) == [], "expected no passages for an unknown term"


def test_postings_plus_idf_positive_for_common_terms() -> None:
    postings = bm25.build(CORPUS)
    assert bm25.idf_of(postings, "strike") > 0, "expected BM25+ idf > 0 for a term in most passages"
    assert bm25.idf_of(postings, "unknown") == 0.0, "expected idf 0 for an unknown term"


def test_postings_doc_freq_and_has() -> None:
    postings = bm25.build(CORPUS)
    assert postings.has("militia") and not postings.has("nothing"), "expected has() to follow the vocabulary"
    assert postings.doc_freq("militia") == 2, f"expected 2, got {postings.doc_freq('militia')}"


def test_postings_empty_passage_is_allowed() -> None:
    postings = bm25.build([["strike"], [], ["baghdad"]])
    assert postings.n_docs == 3, f"expected 3 passages, got {postings.n_docs}"


def test_build_unknown_variant_names_choices() -> None:
    with pytest.raises(ValueError, match="plus, okapi, l"):
        bm25.build(CORPUS, "bm42")


def _top_by_mask(postings: bm25.Postings, query: dict[str, float], k: int) -> list[tuple[int, float]]:
    """top() as first written: the holders marked from the postings, then ranked."""
    total = postings.scores(query)
    ids = [postings._ids[t] for t in query if postings.has(t)]
    if not ids:
        return []
    mask = np.zeros(postings.n_docs, dtype=bool)
    for i in ids:
        mask[postings.docs[postings.ptr[i] : postings.ptr[i + 1]]] = True
    holders = np.flatnonzero(mask)
    if len(holders) > k:
        holders = holders[np.argpartition(-total[holders], k - 1)[:k]]
    order = holders[np.argsort(-total[holders], kind="stable")]
    return [(int(d), float(total[d])) for d in order]


@pytest.mark.parametrize("variant", bm25.VARIANTS)
@pytest.mark.parametrize("k", [1, 3, 100])
def test_postings_top_equals_marking_the_holders(index, variant: str, k: int) -> None:
    """Holders found from the sums (every product positive) are the ones the postings mark."""
    docs = [index.passage(i).search_terms() for i in range(len(index))]
    postings = bm25.build(docs, variant)
    vocab = sorted(postings.vocab)
    rng = np.random.default_rng(7)
    for _ in range(60):
        terms = rng.choice(vocab, size=int(rng.integers(1, 6)), replace=False).tolist()
        query = {t: float(rng.choice([1.0, 0.9, 0.5])) for t in terms}
        expected = _top_by_mask(postings, query, k)
        got = postings.top(query, k)
        assert got == expected, f"{variant} {query}: expected {expected}, got {got}"


def test_postings_top_with_a_negative_weight_marks_the_holders() -> None:
    postings = bm25.build(CORPUS)
    query = {"strike": 1.0, "baghdad": -2.0}
    got = postings.top(query, 10)
    expected = _top_by_mask(postings, query, 10)
    assert got == expected, f"expected {expected}, got {got}"
