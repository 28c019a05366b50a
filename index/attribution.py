"""Who a sentence attributes its claims to: "according to US officials", "X said".

Rules over the sentence's tokens, no parser needed:
- "according to X" and passive "described/confirmed by X": the source follows.
- "X said/confirmed/asserted ...": the source is the noun phrase before the verb,
  skipping auxiliaries and adverbs ("U.S. officials initially stating").
- "..., said X": with nothing before the verb, the source follows it.
- ", asserting that ...": a participle after a comma shares the subject of the
  verb before it ("two officials ... contradicted this, asserting that").
- "is said to", "is understood to": hedges without a source.
- Pronouns ("It said:", "He said") take the previous source in the article.
"""

from __future__ import annotations

from typing import NamedTuple

from index.terms import Token

SPEECH_LEMMAS = {
    "say", "state", "tell", "confirm", "report", "assert", "claim", "announce", "add", "note",
    "insist", "deny", "contradict", "believe", "blame", "accuse", "allege", "estimate", "warn",
    "vow", "acknowledge", "explain", "write", "cite", "indicate", "suggest", "argue", "declare",
    "stress", "emphasize", "emphasise", "underscore", "affirm", "disclose", "reveal", "describe",
    "quote", "tweet", "post",
    # verbs that give a figure: "the government revised the toll to 275", "officials put it at 288"
    "revise", "update", "put", "raise", "lower", "peg",
}  # fmt: skip
BOUNDARIES = {
    ",", ";", ":", "(", ")", '"', ".", "!", "?", "–", "—", "that", "which", "who", "whom", "whose",
    "and", "but", "however", "while", "when", "after", "before", "because", "as", "if", "since",
    "though", "although", "where", "with", "whereas", "so", "yet", "meanwhile", "also",
}  # fmt: skip
SKIPPABLE = {
    "has", "have", "had", "will", "would", "could", "may", "might", "did", "does", "do", "not",
    "never", "earlier", "later", "then", "now", "further", "previously", "initially", "first",
    "also", "again", "repeatedly", "publicly", "privately", "separately", "reportedly",
}  # fmt: skip
BE = {"is", "was", "were", "are", "be", "been", "being"}
# Verbs news copy puts before their subject ('", said Jane Ortiz'); "told X" names the listener.
INVERTING = {"say", "add", "write", "state"}
PRONOUNS = {"he", "she", "it", "they", "we", "i"}
NOUN_MARKERS = {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "whose"}
LEADING_NOISE = {"the", "a", "an", "its", "their", "his", "her", "with", "by", "to", "of", "in"}
MAX_SOURCE_TOKENS = 12


class Cue(NamedTuple):
    """A speech verb at token `tok` and the source it names (None when it names none)."""

    tok: int
    source: str | None
    pronoun: bool


def _phrase(text: str, tokens: list[Token], lo: int, hi: int) -> tuple[str | None, bool]:
    """The source text of tokens[lo:hi], trimmed; and whether it is only a pronoun."""
    while lo < hi and tokens[lo].text.lower() in LEADING_NOISE:
        lo += 1
    while hi > lo and tokens[hi - 1].kind == "punct":
        hi -= 1
    if lo >= hi:
        return None, False
    phrase = text[tokens[lo].start : tokens[hi - 1].end]
    if hi - lo == 1 and phrase.lower() in PRONOUNS:
        return phrase, True
    if not any(t.kind in ("word", "abbr") for t in tokens[lo:hi]):
        return None, False
    return phrase, False


def _left_source(text: str, tokens: list[Token], cue: int) -> tuple[str | None, bool]:
    i = cue - 1
    while i >= 0 and (tokens[i].text.lower() in SKIPPABLE or tokens[i].text.lower().endswith("ly")):
        i -= 1
    if i >= 0 and tokens[i].text.lower() in BE:
        return None, False  # "is said to", "was reported": no source before the verb
    hi = i + 1
    lo = hi
    while lo > 0 and hi - lo < MAX_SOURCE_TOKENS:
        word = tokens[lo - 1].text.lower()
        if word in BOUNDARIES or (tokens[lo - 1].kind == "punct" and word != "-"):
            break
        lo -= 1
    return _phrase(text, tokens, lo, hi)


def _right_source(text: str, tokens: list[Token], start: int) -> tuple[str | None, bool]:
    hi = start
    while hi < len(tokens) and hi - start < MAX_SOURCE_TOKENS:
        word = tokens[hi].text.lower()
        if word in BOUNDARIES - {"with"} or (tokens[hi].kind == "punct" and word not in ("-", "'")):
            break
        hi += 1
    return _phrase(text, tokens, start, hi)


AGENT_NOUNS = {
    "officials", "official", "rebels", "forces", "sources", "militants", "fighters", "spokesman",
    "spokeswoman", "officers", "authorities", "leaders", "commanders", "troops", "military",
}  # fmt: skip


def _clause_subject(text: str, tokens: list[Token], comma: int) -> str | None:
    """The leading name of the clause that ends at `comma`, with an agent noun after it if any:
    "Meanwhile, in Yemen, Ansar rebels persisted in their attacks" -> "Ansar rebels"."""
    start = comma
    while start > 0 and tokens[start - 1].text != ",":
        start -= 1
    k = start
    while k < comma and not tokens[k].text[:1].isupper():
        k += 1
    end = k
    while end < comma and (tokens[end].text[:1].isupper() or tokens[end].text == "-"):
        end += 1
    if end == k:
        return None
    if end < comma and tokens[end].text.lower() in AGENT_NOUNS:
        end += 1
    return text[tokens[k].start : tokens[end - 1].end]


def _apposed_subject(text: str, tokens: list[Token], comma: int) -> str | None:
    """The name before an apposition that ends at `comma`, with the apposition: "Arnolda
    Shiundu, a Kenyan Red Cross official, told ..." -> "Arnolda Shiundu, a Kenyan Red Cross official"."""
    opening = comma - 1
    while opening >= 0 and comma - opening <= MAX_SOURCE_TOKENS and tokens[opening].text != ",":
        if tokens[opening].text.lower() in BOUNDARIES:
            return None
        opening -= 1
    if opening <= 0 or opening == comma - 1 or tokens[opening].text != ",":
        return None
    name, _ = _left_source(text, tokens, opening)
    if not name or not name[:1].isupper() or name.lower() in PRONOUNS:
        return None
    return text[text.rindex(name, 0, tokens[opening].start) : tokens[comma - 1].end]


def _with_closing_apposition(text: str, tokens: list[Token], source: str, start: int) -> str:
    """An inverted source with the apposition that closes the sentence: "..., said KS Anand,
    chief public relations officer of the South Eastern Railway." credits the railway's officer.

    Only an apposition running to the sentence's end counts: one cut short by a boundary word
    ("..., who ...", "..., adding that ...") or opening with a verb is a clause, not a title.
    """
    end = text.find(source, tokens[start].start) + len(source)
    comma = next((k for k in range(start, len(tokens)) if tokens[k].start >= end), None)
    if comma is None or tokens[comma].text != ",":
        return source
    k = comma + 1
    if k >= len(tokens) or tokens[k].kind != "word" or tokens[k].text.lower().endswith(("ing", "ed")):
        return source
    while k < len(tokens) and k - comma <= MAX_SOURCE_TOKENS:
        word = tokens[k].text.lower()
        closing = word in (".", '"')
        if (word in BOUNDARIES and not closing) or (
            tokens[k].kind == "punct" and word not in ("-", "'") and not closing
        ):
            return source
        if closing:
            break
        k += 1
    if k < len(tokens) and tokens[k].text not in (".", '"'):
        return source
    return text[text.find(source, tokens[start].start) : tokens[k - 1].end]


def _inside_source(text: str, tokens: list[Token], cues: list[Cue], i: int) -> bool:
    """Does token i lie inside the source phrase an earlier cue already read?"""
    for c in cues:
        if not c.source:
            continue
        start = text.find(c.source, tokens[c.tok].start)
        if start >= 0 and start <= tokens[i].start < start + len(c.source):
            return True
    return False


def find_cues(text: str, tokens: list[Token], lemmas: list[str]) -> list[Cue]:
    """Every attribution cue of a sentence, in order, with the source it names."""
    cues: list[Cue] = []
    for i, token in enumerate(tokens):
        word = token.text.lower()
        if word == "according" and i + 1 < len(tokens) and tokens[i + 1].text.lower() == "to":
            source, pronoun = _right_source(text, tokens, i + 2)
            cues.append(Cue(i, source, pronoun))
            continue
        if lemmas[i] not in SPEECH_LEMMAS or token.kind != "word" or not token.text.islower():
            continue  # "States" in "United States" is not the verb "state"
        if (i > 0 and tokens[i - 1].text.lower() in NOUN_MARKERS) or (
            i + 1 < len(tokens) and tokens[i + 1].text.lower() == "of"
        ):
            continue  # "in the state of Odisha", "a report of": nouns, not speech verbs
        if _inside_source(text, tokens, cues, i):
            continue  # "according to local media reports": the noun closes the source already found
        if i + 1 < len(tokens) and tokens[i + 1].text.lower() == "by":
            source, pronoun = _right_source(text, tokens, i + 2)
            cues.append(Cue(i, source, pronoun))
            continue
        if lemmas[i] == "describe":
            continue  # only "described by X" names a source
        if word.endswith("ing") and i > 0 and tokens[i - 1].text == ",":
            earlier = [c for c in cues if c.source]
            if earlier:
                cues.append(Cue(i, earlier[-1].source, earlier[-1].pronoun))
                continue
            subject = _clause_subject(text, tokens, i - 1)
            if subject:  # "Ansar rebels persisted ..., reporting": the rebels report
                cues.append(Cue(i, subject, False))
                continue
        source, pronoun = _left_source(text, tokens, i)
        if source is None and i > 0 and tokens[i - 1].text == ",":
            source = _apposed_subject(text, tokens, i - 1)
        if source is None and lemmas[i] in INVERTING and i > 0 and tokens[i - 1].text in (",", '"'):
            source, pronoun = _right_source(text, tokens, i + 1)  # '"...", said Jane Ortiz'
            if source and not (source[:1].isupper() or source.split()[0].lower() in ("the", "a", "an")):
                source = None
            if source and not pronoun:
                source = _with_closing_apposition(text, tokens, source, i + 1)
        if source is None and (i == 0 or tokens[i - 1].text.lower() not in BE):
            continue
        cues.append(Cue(i, source, pronoun))
    return cues


def source_for(cues: list[Cue], tok: int, positions: list[int]) -> Cue | None:
    """The cue that attributes the token at `tok`: the nearest one with a source."""
    named = [c for c in cues if c.source]
    if not named:
        return None
    return min(named, key=lambda c: (abs(positions[c.tok] - positions[tok]), c.tok > tok))
