"""BM25 over passages: rank-bm25 defines the scores, postings arrays make them fast.

rank-bm25's `get_scores` loops over every passage for every query term (about
150 ms at 100k passages). Its scores split into a part that only passages
holding the term get, plus a constant every passage gets for that term
(BM25+ and BM25L give a small bonus even at term frequency 0). So the index
stores, per term, the passages holding it with their weight minus that constant;
a query sums a few such rows. Scores equal rank-bm25's own to float precision.

Variant: BM25+ (k1=1.2, b=0.75, delta=1.0). BM25Okapi's idf, log((N-n+0.5)/(n+0.5)),
is 0 for a term in half the passages and negative beyond, which on an event's
coverage hits exactly the words a question is about ("strike", "al-Nasr");
rank-bm25 then floors it to epsilon times the mean idf, erasing them. BM25+'s
idf, log((N+1)/n), stays positive, and its delta stops long sentences from being
penalized below short ones that lack the term. `crosscheck bench --retrieval`
compares the variants on the question sets.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

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
        total, constant = self._sums(query)
        return total + constant if constant else total

    def _sums(self, query: dict[str, float]) -> tuple[np.ndarray, float]:
        """Per passage, the query terms' weights above their constants; and the constants' sum."""
        total = np.zeros(self.n_docs, dtype=np.float32)
        constant = 0.0
        for term, weight in query.items():
            i = self._ids.get(term)
            if i is None:
                continue
            lo, hi = self.ptr[i], self.ptr[i + 1]
            total[self.docs[lo:hi]] += weight * self.weights[lo:hi]
            constant += weight * float(self.constant[i])
        return total, constant

    @cached_property
    def _least_weight(self) -> np.float32:
        return self.weights.min() if len(self.weights) else np.float32(0)

    def top(self, query: dict[str, float], k: int) -> list[tuple[int, float]]:
        """The k best passages with scores, best first, among passages holding a query term."""
        ids = [self._ids[t] for t in query if t in self._ids]
        if not ids:
            return []
        sums, constant = self._sums(query)
        least = min(w for t, w in query.items() if t in self._ids)
        if least > 0 and self._least_weight > 0 and np.float32(least) * self._least_weight > 0:
            # Every product added is positive, so the passages holding a query term are exactly
            # those whose sum is above 0: no second pass over the postings to mark them.
            holders = np.flatnonzero(sums > 0)
        else:
            # A mask, not np.unique: sorting the concatenated postings was half of answering at 100k.
            mask = np.zeros(self.n_docs, dtype=bool)
            for i in ids:
                mask[self.docs[self.ptr[i] : self.ptr[i + 1]]] = True
            holders = np.flatnonzero(mask)
        total = sums + constant if constant else sums
        if len(holders) > k:
            part = np.argpartition(-total[holders], k - 1)[:k]
            holders = holders[part]
        order = holders[np.argsort(-total[holders], kind="stable")]
        return [(int(d), float(total[d])) for d in order]


def build(
    corpus: Iterable[list[str]],
    variant: str = DEFAULT_VARIANT,
    k1: float = DEFAULT_K1,
    b: float = DEFAULT_B,
    delta: float = DEFAULT_DELTA,
) -> Postings:
    """Postings for tokenized passages: rank-bm25's scores (idf, lengths), computed in arrays.

    rank-bm25 itself keeps a dict of term frequencies per passage (about 1 kB each:
    1 GB at a million passages) and this loop used to call it per posting. Here the
    same arithmetic runs over arrays, in the same order of operations, so the weights
    are the ones rank-bm25's `get_scores` gives (a test compares them).
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown BM25 variant {variant!r}; choose one of {', '.join(VARIANTS)}")
    counts = Counts()
    for doc in corpus:
        counts.add(doc)
    return counts.postings(variant, k1, b, delta)


class Counts:
    """Term frequencies of passages added one at a time, as compact arrays, for `postings`."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # term -> number, in order of first use (rank-bm25's order)
        self._terms: list[np.ndarray] = []
        self._tfs: list[np.ndarray] = []
        self._lengths: list[int] = []
        self._distinct: list[int] = []  # per passage: how many distinct terms (its postings)
        self._pending: tuple[list[int], list[int]] = ([], [])

    @classmethod
    def of_arrays(cls, vocab: list[str], terms: np.ndarray, tfs: np.ndarray, lengths: np.ndarray,
                  distinct: np.ndarray) -> Counts:  # fmt: skip
        """The counts `add` would have gathered, given as arrays: the terms in order of first use,
        each passage's (term number, frequency) pairs in a row (`distinct` per passage) and lengths."""
        counts = cls()
        counts.ids = {term: n for n, term in enumerate(vocab)}
        counts._terms, counts._tfs = [np.asarray(terms, dtype=np.int32)], [np.asarray(tfs, dtype=np.int32)]
        counts._lengths, counts._distinct = np.asarray(lengths).tolist(), np.asarray(distinct).tolist()
        return counts

    def add(self, doc: list[str]) -> None:
        # rank-bm25 divides by the corpus size and average length; an empty passage list
        # never reaches here (an empty corpus is refused earlier), but empty passages may.
        doc = doc or ["\x00"]
        self._lengths.append(len(doc))
        terms, tfs = self._pending
        frequencies = Counter(doc)
        self._distinct.append(len(frequencies))
        for word, tf in frequencies.items():
            t = self.ids.get(word)
            if t is None:
                t = self.ids[word] = len(self.ids)
            terms.append(t)
            tfs.append(tf)
        if len(terms) > 1_000_000:
            self._flush()

    def _flush(self) -> None:
        terms, tfs = self._pending
        self._terms.append(np.array(terms, dtype=np.int32))
        self._tfs.append(np.array(tfs, dtype=np.int32))
        self._pending = ([], [])

    def postings(self, variant: str, k1: float, b: float, delta: float) -> Postings:
        """The postings of every passage added, weighted by this BM25 variant."""
        if variant not in VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant!r}; choose one of {', '.join(VARIANTS)}")
        if not self._lengths:
            raise ValueError("BM25 over no passages: the corpus must hold at least one")
        self._flush()
        n_docs = len(self._lengths)
        lengths = np.array(self._lengths, dtype=np.int64)
        terms = np.concatenate(self._terms)
        tfs = np.concatenate(self._tfs).astype(np.float64)
        distinct = np.array(self._distinct, dtype=np.int64)
        docs = np.repeat(np.arange(n_docs, dtype=np.int32), distinct)
        n_terms = len(self.ids)
        doc_freq = np.bincount(terms, minlength=n_terms)
        avgdl = int(lengths.sum()) / n_docs
        idf = _idf(variant, doc_freq.tolist(), n_docs)
        vocab = sorted(self.ids)
        rank = np.empty(n_terms, dtype=np.int64)
        rank[[self.ids[t] for t in vocab]] = np.arange(n_terms)
        norm = 1 - b + b * lengths[docs] / avgdl
        term_idf = np.array(idf, dtype=np.float64)[terms]
        if variant == "okapi":
            weights = term_idf * (tfs * (k1 + 1) / (tfs + k1 * norm))
        elif variant == "l":
            ctd = tfs / norm
            weights = term_idf * tfs * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
        else:
            weights = term_idf * (delta + (tfs * (k1 + 1)) / (k1 * norm + tfs))
        norm_one = 1 - b + b * 1.0 / avgdl
        constant = np.array([_weight_at(variant, x, 0, norm_one, k1, delta) for x in idf], dtype=np.float64)
        weights -= constant[terms]
        order = np.argsort(rank[terms], kind="stable")
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(rank[terms], minlength=n_terms))
        return Postings(
            vocab, ptr, docs[order], weights[order].astype(np.float32),
            constant[[self.ids[t] for t in vocab]].astype(np.float32), n_docs,
        )  # fmt: skip


def _idf(variant: str, doc_freq: list[int], n_docs: int) -> list[float]:
    """Per term (in order of first use), the idf rank-bm25 computes: the same formulas, same order."""
    if variant == "okapi":
        idf = [math.log(n_docs - freq + 0.5) - math.log(freq + 0.5) for freq in doc_freq]
        total = 0.0
        for x in idf:  # added in rank-bm25's order (sum() may compensate rounding)
            total += x
        eps = 0.25 * (total / len(idf))  # rank-bm25's epsilon floor for negative idf
        return [eps if x < 0 else x for x in idf]
    if variant == "l":
        return [math.log(n_docs + 1) - math.log(freq + 0.5) for freq in doc_freq]
    return [math.log((n_docs + 1) / freq) for freq in doc_freq]


def _weight_at(variant: str, idf: float, tf: float, norm: float, k1: float, delta: float) -> float:
    """One term's weight at term frequency tf and length norm (the constant at tf 0)."""
    if variant == "okapi":
        return idf * (tf * (k1 + 1) / (tf + k1 * norm))
    if variant == "l":
        ctd = tf / norm
        return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
    return idf * (delta + (tf * (k1 + 1)) / (k1 * norm + tf))


def idf_of(postings: Postings, term: str) -> float:
    """A BM25+-style idf, log((N+1)/n), for weighting question terms; 0 for unknown terms."""
    n = postings.doc_freq(term)
    return math.log((postings.n_docs + 1) / n) if n else 0.0
