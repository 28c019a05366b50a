"""A token-pattern matcher with spaCy's `Matcher` semantics, for the rule components' patterns.

spaCy's `Matcher` costs about 70 µs a document before it matches anything, and
its REGEX predicates are evaluated per token and pattern state: on news copy the
EntityRuler and the proper-noun patterns were three quarters of the pipeline's
time. This matcher reads the same pattern dicts (nlp.py keeps them as data) and
finds the same matches, cheaply: each distinct word is classified once against
every predicate (a bit mask, cached across documents), a pattern is tried only
at tokens its first element can match, and the elements are matched by
backtracking over the masks.

Supported: keys ORTH, TEXT, LOWER (a string, {"IN": [...]}, {"REGEX": ...}) and
LIKE_NUM (a bool); OP "1", "?", "+", "*". Anything else raises ValueError, so a
new pattern never silently matches differently from spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

Match = tuple[int, int, int]  # (label index, start token, end token)


class TokenMatcher:
    """All (label, start, end) matches of token patterns, as spaCy's Matcher reports them."""

    def __init__(self, like_num: Callable[[str], bool]) -> None:
        self._like_num = like_num
        self._predicates: list[tuple[str, str, Any]] = []  # (attribute, test, value)
        self._predicate_ids: dict[tuple[str, str, Any], int] = {}
        # Each pattern: label index and its elements as (predicate bit mask, op).
        self._patterns: list[tuple[int, tuple[tuple[int, str], ...]]] = []
        self._first: list[int] = []  # per pattern: bits any of its possible first tokens has
        self.labels: list[str] = []
        self._masks: dict[str, int] = {}
        self._candidates: dict[int, tuple[int, ...]] = {}  # token bits -> patterns that may start there

    def add(self, label: str, patterns: Iterable[Sequence[dict[str, Any]]]) -> None:
        """Add patterns (lists of spaCy token dicts) under a label."""
        if label not in self.labels:
            self.labels.append(label)
        label_index = self.labels.index(label)
        for pattern in patterns:
            elements = tuple(self._element(spec) for spec in pattern)
            if not elements or all(op in "?*" for _, op in elements):
                raise ValueError(f"pattern {pattern!r} can match nothing: it needs a required token")
            first = 0
            for bits, op in elements:
                first |= bits
                if op not in "?*":
                    break
            self._patterns.append((label_index, elements))
            self._first.append(first)
        self._masks.clear()  # new predicates: cached masks lack their bits
        self._candidates.clear()

    def _element(self, spec: dict[str, Any]) -> tuple[int, str]:
        op = spec.get("OP", "1")
        if op not in ("1", "?", "+", "*"):
            raise ValueError(f"unsupported OP {op!r} in {spec!r}")
        bits = 0
        tests = [(key, value) for key, value in spec.items() if key != "OP"]
        if len(tests) != 1:
            raise ValueError(f"a token pattern element needs exactly one attribute test: {spec!r}")
        key, value = tests[0]
        if key in ("ORTH", "TEXT", "LOWER"):
            attribute = "lower" if key == "LOWER" else "text"
            if isinstance(value, str):
                predicate: tuple[str, str, Any] = (attribute, "eq", value)
            elif isinstance(value, dict) and set(value) == {"IN"}:
                predicate = (attribute, "in", frozenset(value["IN"]))
            elif isinstance(value, dict) and set(value) == {"REGEX"}:
                predicate = (attribute, "regex", re.compile(value["REGEX"]))
            else:
                raise ValueError(f"unsupported test {value!r} for {key}")
        elif key == "LIKE_NUM" and isinstance(value, bool):
            predicate = ("like_num", "eq", value)
        else:
            raise ValueError(f"unsupported attribute {key!r} in {spec!r}")
        if predicate not in self._predicate_ids:
            self._predicate_ids[predicate] = len(self._predicates)
            self._predicates.append(predicate)
        bits |= 1 << self._predicate_ids[predicate]
        return bits, op

    def mask(self, text: str) -> int:
        """The predicates a word satisfies, as bits (cached: news copy repeats its words)."""
        found = self._masks.get(text)
        if found is not None:
            return found
        lower = text.lower()
        found = 0
        for n, (attribute, test, value) in enumerate(self._predicates):
            if attribute == "like_num":
                subject: Any = self._like_num(text)
                ok = subject == value
            else:
                subject = lower if attribute == "lower" else text
                if test == "eq":
                    ok = subject == value
                elif test == "in":
                    ok = subject in value
                else:
                    ok = value.search(subject) is not None
            if ok:
                found |= 1 << n
        self._masks[text] = found
        return found

    def __call__(self, words: Sequence[str]) -> list[Match]:
        """Every match in a token sequence: (label index, start, end), each once."""
        masks = [self.mask(w) for w in words]
        n = len(masks)
        found: list[Match] = []
        for start, bits in enumerate(masks):
            if not bits:
                continue
            candidates = self._candidates.get(bits)
            if candidates is None:
                candidates = tuple(p for p, first in enumerate(self._first) if bits & first)
                self._candidates[bits] = candidates
            for p in candidates:
                label, elements = self._patterns[p]
                for end in sorted(_ends(elements, 0, start, masks, n)):
                    if end > start:
                        found.append((label, start, end))
        return found


def _ends(elements: tuple[tuple[int, str], ...], k: int, i: int, masks: list[int], n: int) -> set[int]:
    """Where elements[k:] can end when matched from token i (backtracking over every option)."""
    if k == len(elements):
        return {i}
    bits, op = elements[k]
    if op == "1":
        return _ends(elements, k + 1, i + 1, masks, n) if i < n and masks[i] & bits else set()
    result = _ends(elements, k + 1, i, masks, n) if op in "?*" else set()
    j = i
    while j < n and masks[j] & bits:
        j += 1
        result |= _ends(elements, k + 1, j, masks, n)
        if op == "?":
            break
    return result


def longest_first(matches: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-overlapping spans, longest first (earlier first among equals), as spaCy's greedy="LONGEST"
    and `filter_spans` keep them; returned in text order."""
    taken: set[int] = set()
    kept = []
    for start, end in sorted(set(matches), key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        if not taken.intersection(range(start, end)):
            kept.append((start, end))
            taken.update(range(start, end))
    return sorted(kept)
