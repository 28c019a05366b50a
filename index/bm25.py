"""BM25 over passages: rank-bm25 defines the scores, postings arrays make them fast.

rank-bm25's `get_scores` loops over every passage for every query term (about
150 ms at 100k passages). Its scores split into a part that only passages
holding the term get, plus a constant every passage gets for that term
(BM25+ and BM25L give a small bonus even at term frequency 0). So the index
stores, per term, the passages holding it with their weight minus that constant;
a query sums a few such rows. Scores equal rank-bm25's own to float precision.

Variant: BM25+ (k1=1.2, b=0.75, delta=1.0). BM25Okapi's idf, log((N-n+0.5)/(n+0.5)),
is 0 for a term in half the passages and negative beyond, which on an event's
coverage hits exactly the words a question is about ("strike", "Hezbollah");
rank-bm25 then floors it to epsilon times the mean idf, erasing them. BM25+'s
idf, log((N+1)/n), stays positive, and its delta stops long sentences from being
penalized below short ones that lack the term. `crosscheck bench --retrieval`
compares the variants on the question sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VARIANTS = ("plus", "okapi", "l")
DEFAULT_VARIANT = "plus"
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75
DEFAULT_DELTA = 1.0


@dataclass
class Postings:
    """Per-term BM25 weights: terms[t] holds passages docs[ptr[t]:ptr[t+1]] with weights."""

    vocab: list[str]
    ptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # int32
    weights: np.ndarray  # float32, the weight above the term's constant
    constant: np.ndarray  # float32, per term: what every passage gets for it
    n_docs: int

    def __post_init__(self) -> None:
        self._ids = {term: i for i, term in enumerate(self.vocab)}

    def has(self, term: str) -> bool:
        return term in self._ids

    def doc_freq(self, term: str) -> int:
        i = self._ids.get(term)
        return 0 if i is None else int(self.ptr[i + 1] - self.ptr[i])

    def scores(self, query: dict[str, float]) -> np.ndarray:
        """BM25 score of every passage for weighted query terms (weight 1.0 = plain BM25)."""
        total = np.zeros(self.n_docs, dtype=np.float32)
        constant = 0.0
        for term, weight in query.items():
            i = self._ids.get(term)
            if i is None:
                continue
            lo, hi = self.ptr[i], self.ptr[i + 1]
            total[self.docs[lo:hi]] += weight * self.weights[lo:hi]
            constant += weight * float(self.constant[i])
        return total + constant if constant else total

    def top(self, query: dict[str, float], k: int) -> list[tuple[int, float]]:
        """The k best passages with scores, best first, among passages holding a query term."""
        total = self.scores(query)
        ids = [self._ids[t] for t in query if t in self._ids]
        if not ids:
            return []
        # A mask, not np.unique: sorting the concatenated postings was half of answering at 100k.
        mask = np.zeros(self.n_docs, dtype=bool)
        for i in ids:
            mask[self.docs[self.ptr[i] : self.ptr[i + 1]]] = True
        holders = np.flatnonzero(mask)
        if len(holders) > k:
            part = np.argpartition(-total[holders], k - 1)[:k]
            holders = holders[part]
        order = holders[np.argsort(-total[holders], kind="stable")]
        return [(int(d), float(total[d])) for d in order]


def build(
    corpus: list[list[str]],
    variant: str = DEFAULT_VARIANT,
    k1: float = DEFAULT_K1,
    b: float = DEFAULT_B,
    delta: float = DEFAULT_DELTA,
) -> Postings:
    """Postings for tokenized passages, with rank-bm25 computing idf and lengths."""
    from rank_bm25 import BM25L, BM25Okapi, BM25Plus

    if variant not in VARIANTS:
        raise ValueError(f"unknown BM25 variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    # rank-bm25 divides by the corpus size and average length; an empty passage list
    # never reaches here (an empty corpus is refused earlier), but empty passages may.
    safe = [doc if doc else ["\x00"] for doc in corpus]
    if variant == "okapi":
        model = BM25Okapi(safe, k1=k1, b=b)
    elif variant == "l":
        model = BM25L(safe, k1=k1, b=b, delta=delta)
    else:
        model = BM25Plus(safe, k1=k1, b=b, delta=delta)
    vocab = sorted(model.idf)
    index = {t: i for i, t in enumerate(vocab)}
    rows: list[list[tuple[int, float]]] = [[] for _ in vocab]
    constant = np.zeros(len(vocab), dtype=np.float64)
    for t, term in enumerate(vocab):
        constant[t] = _weight(variant, model, term, 0, 1.0, k1, b, delta)
    for d, freqs in enumerate(model.doc_freqs):
        length = model.doc_len[d]
        for term, tf in freqs.items():
            t = index[term]
            rows[t].append((d, _weight(variant, model, term, tf, length, k1, b, delta) - constant[t]))
    ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    docs = np.fromiter((d for r in rows for d, _ in r), dtype=np.int32, count=int(ptr[-1]))
    weights = np.fromiter((w for r in rows for _, w in r), dtype=np.float32, count=int(ptr[-1]))
    return Postings(vocab, ptr, docs, weights, constant.astype(np.float32), len(corpus))


def _weight(
    variant: str, model, term: str, tf: float, length: float, k1: float, b: float, delta: float
) -> float:
    """One term's contribution to one passage, as rank-bm25's get_scores computes it."""
    idf = model.idf.get(term) or 0.0
    norm = 1 - b + b * length / model.avgdl
    if variant == "okapi":
        return idf * (tf * (k1 + 1) / (tf + k1 * norm))
    if variant == "l":
        # rank-bm25 multiplies BM25L by the term frequency (so an absent term adds nothing);
        # its scores are the definition here, so this does too.
        ctd = tf / norm
        return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
    return idf * (delta + (tf * (k1 + 1)) / (k1 * norm + tf))


def idf_of(postings: Postings, term: str) -> float:
    """A BM25+-style idf, log((N+1)/n), for weighting question terms; 0 for unknown terms."""
    n = postings.doc_freq(term)
    return math.log((postings.n_docs + 1) / n) if n else 0.0
