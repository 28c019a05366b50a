"""Reading a question as typed in chat: filler, links, shouting, shorthand and typos.

People type "quick q: HOW MANY ppl got injurd <https://...>" in Slack. Before the
question is analysed, this step returns the question a careful writer would have typed,
and what it changed so the reply can say so ("I read 'injurd' as 'injured'"):

- links are dropped (their text is not a question word);
- opening filler ("quick q:", "hey,", "can you tell me") is dropped;
- a question in capitals is lowered, so "IN" is a preposition, not a name;
- chat shorthand is spelled out ("ppl" -> "people");
- a word that is neither English nor in the coverage, and one or two edits from a word of
  the coverage, is mended to that word ("injurd" -> "injured", "studnets" -> "students").

Names are left alone (capitalized words, unless the whole question is in capitals): a
misspelled name is matched to the coverage's names later, by question analysis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from weakref import WeakKeyDictionary

from index.lexicon import words
from index.store import Index
from index.terms import tokenize

URL_RE = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# A word must be this long to be mended: shorter ones have too many near neighbours.
MIN_MENDED_LENGTH = 4
SHOUTED_SHARE = 0.6  # of the letters in capitals: the question is shouted, not full of acronyms
# Per index, computed on first use: the vocabulary a typo is mended against.
_ENGLISH: WeakKeyDictionary[Index, frozenset[str]] = WeakKeyDictionary()
_FORMS: WeakKeyDictionary[Index, list[str]] = WeakKeyDictionary()


@dataclass
class Reading:
    """The question as read, and each change made to it ("'injurd' as 'injured'")."""

    text: str
    changes: list[str] = field(default_factory=list)


@cache
def _filler() -> re.Pattern[str]:
    phrases = sorted(words("question_filler"), key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in phrases)
    return re.compile(rf"^(?:(?:{alternatives})\b[\s,:;.!?-]*)+", re.IGNORECASE)


@cache
def _shorthand() -> dict[str, str]:
    pairs = (entry.split("=", 1) for entry in words("chat_shorthand"))
    return {typed.strip(): meant.strip() for typed, meant in pairs}


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) >= SHOUTED_SHARE


def read(text: str, index: Index) -> Reading:
    """The question as a careful writer would have typed it, against this index's vocabulary."""
    changes: list[str] = []
    plain = " ".join(URL_RE.sub(" ", text).split())
    if plain != " ".join(text.split()):
        changes.append("left out the link")
    stripped = _filler().sub("", plain)
    # Filler alone ("hey") is still what was asked: leave it for the empty-question reply.
    if stripped and stripped != plain and any(c.isalnum() for c in stripped):
        plain = stripped[0].upper() + stripped[1:]
    if _shouted(plain):
        plain = plain.lower()
        changes.append("read the capitals as lower case")
    mended = _mend_words(plain, index, changes)
    return Reading(text=mended or text, changes=changes)


def _mend_words(text: str, index: Index, changes: list[str]) -> str:
    """Spell out shorthand and mend typos, keeping everything else as typed."""
    shorthand = _shorthand()
    maker = index.term_maker
    out: list[str] = []
    last = 0
    for token in tokenize(text):
        if token.kind != "word":
            continue
        word = token.text
        low = word.lower()
        replacement: str | None = None
        if low in shorthand:
            replacement = shorthand[low]
        elif _mendable(word, index):
            replacement = _closest(low, index)
        if replacement is None or replacement == low:
            continue
        if not maker.is_stop(token) or low in shorthand:
            changes.append(f"'{word}' as '{replacement}'")
            out.append(text[last : token.start] + replacement)
            last = token.start + len(word)
    out.append(text[last:])
    return "".join(out)


def _mendable(word: str, index: Index) -> bool:
    """A lower-case word the coverage never uses and English does not know: likely a typo."""
    if len(word) < MIN_MENDED_LENGTH or not word.isalpha() or not word.islower():
        return False
    maker = index.term_maker
    term = maker.term(next(iter(tokenize(word))))
    if index.postings.has(term) or term in index.groups_of_term:
        return False
    return word not in _english(index)


def _english(index: Index) -> frozenset[str]:
    """Every English word form the lemma table knows (its words and their lemmas)."""
    if index not in _ENGLISH:
        lemmas = index.meta.lemmas
        _ENGLISH[index] = frozenset(lemmas) | frozenset(lemmas.values()) | frozenset(index.meta.stops)
    return _ENGLISH[index]


def _closest(word: str, index: Index) -> str | None:
    """The coverage's word closest to a typo, within one edit (two for long words).

    Compared with the coverage's surface forms, so "injurd" becomes "injured", not the lemma.
    """
    from rapidfuzz import process  # only when a word needs mending: ~18 ms of start-up otherwise
    from rapidfuzz.distance import OSA

    limit = 1 if len(word) < 7 else 2
    forms = _surface_forms(index)
    match = process.extractOne(word, forms, scorer=OSA.distance, score_cutoff=limit)
    return str(match[0]) if match else None


def _surface_forms(index: Index) -> list[str]:
    """The lower-case words of the coverage whose term the index holds, longest first."""
    if index not in _FORMS:
        lemmas = index.meta.lemmas
        vocab = set(index.postings.vocab)
        forms = {w for w, lemma in lemmas.items() if lemma in vocab and w.isalpha()}
        forms |= {t for t in vocab if t.isalpha()}
        _FORMS[index] = sorted(forms, key=lambda w: (-len(w), w))
    return _FORMS[index]
