"""Tokens and search terms, shared by the index builder and the question side.

Both sides must turn text into the same terms, and the question side must not
import spaCy (it costs ~650 ms at start-up). So tokenization here is a small
regular expression, and lemmas come from a word -> lemma table that the index
builder fills from spaCy's lookup lemmatizer and stores in the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

# Order matters: abbreviations with inner dots ("U.S.", "p.m.") before words,
# numbers with separators ("2,500", "9:30", "9.30") before plain digits.
_TOKEN_RE = re.compile(
    r"""
    (?P<abbr>(?:[^\W\d_]\.){2,})
  | (?P<num>\d+(?:[.,:]\d+)*(?:st|nd|rd|th)?)
  | (?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*['’]?)
  | (?P<punct>[^\w\s])
    """,
    re.VERBOSE,
)

APOSTROPHES = "'’‘`´"
_POSSESSIVE_RE = re.compile(r"['’]s$|['’]$", re.IGNORECASE)
_ORDINAL_RE = re.compile(r"(?<=\d)(st|nd|rd|th)$")


class Token(NamedTuple):
    """One token of a passage: its surface text, character span and kind."""

    text: str
    start: int
    end: int
    kind: str  # "abbr", "num", "word" or "punct"


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, collapse spaces: for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_ish = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in APOSTROPHES:
        ascii_ish = ascii_ish.replace(mark, "")
    return re.sub(r"\s+", " ", ascii_ish.lower()).strip()


def tokenize(text: str) -> list[Token]:
    """Split text into word, number, abbreviation and punctuation tokens with offsets."""
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "punct"
        tokens.append(Token(match.group(), match.start(), match.end(), kind))
    return tokens


def surface_key(token: Token) -> str:
    """The lookup key of a token: lower-cased, possessive and ordinal suffixes removed."""
    if token.kind == "abbr":
        return token.text.replace(".", "").lower()
    if token.kind == "num":
        return _ORDINAL_RE.sub("", token.text).replace(",", "")
    text = token.text.lower()
    if token.kind == "word":
        text = _POSSESSIVE_RE.sub("", text) or text
    return text


TERM_CACHE_SIZE = 500_000


class TermMaker:
    """Turns tokens into search terms: lemma, then spelling norm, then folded.

    `lemmas` maps a lower-cased word to its lemma; `norms` maps a lemma to its
    American spelling ("neighbourhood" -> "neighborhood"); `stops` are words that
    carry no meaning for search. All three come from the index.
    """

    def __init__(self, lemmas: Mapping[str, str], norms: Mapping[str, str], stops: frozenset[str]) -> None:
        self.lemmas = lemmas
        self.norms = norms
        self.stops = stops
        # Text and kind -> term: building an index folds each distinct word once, not each token.
        self._terms: dict[tuple[str, str], str] = {}

    def term(self, token: Token) -> str:
        """The normalized term of any token (punctuation stays as it is)."""
        if token.kind == "punct":
            return token.text
        key = (token.text, token.kind)
        found = self._terms.get(key)
        if found is None:
            if len(self._terms) >= TERM_CACHE_SIZE:  # a long-running bot sees unbounded new words
                self._terms.clear()
            found = self._terms[key] = self._term(token)
        return found

    def _term(self, token: Token) -> str:
        key = surface_key(token)
        if token.kind == "word":
            key = self.lemmas.get(key, key)
            key = self.norms.get(key, key)
        return fold(key)

    def is_stop(self, token: Token) -> bool:
        """True for tokens that should not be search terms.

        "US" and "U.S." are the country, not the pronoun "us", so only the
        lower-case pronoun is a stop word.
        """
        if token.kind == "punct":
            return True
        if token.kind == "abbr":
            return False
        if token.text.isupper() and len(token.text) > 1:
            return False
        return surface_key(token) in self.stops

    def terms(self, text: str) -> list[str]:
        """The search terms of a text: its non-stop tokens, normalized."""
        return [self.term(t) for t in tokenize(text) if not self.is_stop(t)]
