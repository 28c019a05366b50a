"""Follow-up questions: "and in Syria?", "when was that?", "who said so?" read with the question before.

`combine(previous, text, index)` returns the question to answer and, when `text`
was read as a follow-up, how it was read ("Read as a follow-up to ...: how many
were injured in Syria?"), so every front end can say so. Two kinds:

- another place: "and in Syria?", "what about Syria?" put that place in place of
  the previous question's (or add it);
- another kind of answer: "when was that?", "who said so?", "what time?" ask the
  follow-up's question word about what the previous question was about.

Anything else (a full question of its own) is answered as it is. The Slack thread
listener and the REPL both call this; the core reads only the index's entity names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.entities import name_key
from index.store import Index

MAX_FOLLOW_UP_WORDS = 6  # longer replies are questions of their own
LEAD_RE = re.compile(r"^\s*(?:and|but|so|ok|okay)?\s*(?:what|how)\s+about\s+|^\s*(?:and|but|also)\s+", re.I)
PLACE_PREPOSITION_RE = re.compile(r"^(?:in|at|on|near|inside|for)\s+(?:the\s+)?", re.I)
ANAPHORA_RE = re.compile(r"\b(?:that|this|it|so|then|they|them|there)\b", re.I)
WH_RE = re.compile(
    r"^(?:when|where|who|whom|what\s+time|what\s+day|what\s+date|how\s+many|how\s+much|which|what)\b", re.I
)
PREVIOUS_LEAD_RE = re.compile(
    r"^\s*(?:how\s+(?:many|much|old)|when|where|who|whom|what\s+time|what\s+day|what\s+date|which\s+\w+"
    r"|what\s+\w+)\s+(?:(?P<aux>was|were|is|are|did|does|do|has|have|had)\s+)?",
    re.I,
)
AUX_RE = re.compile(r"\b(?:was|were|is|are|did|does|do|has|have|had|said|says)\b", re.I)
AUX_AFTER_NOUN_RE = re.compile(r"^(\w+)\s+(?:was|were|is|are|have been|had been)\s+", re.I)


@dataclass(frozen=True)
class FollowUp:
    """The question to answer, and how a follow-up was read (None: asked as it stands)."""

    question: str
    reading: str | None = None


def combine(previous: str | None, text: str, index: Index) -> FollowUp:
    """`text` read with the previous question when it is a follow-up to it."""
    text = text.strip()
    if not previous or not text or len(text.split()) > MAX_FOLLOW_UP_WORDS:
        return FollowUp(text)
    previous = previous.strip().rstrip("?").strip()
    place = _place_named(text, index)
    if place is not None and not WH_RE.match(LEAD_RE.sub("", text)):
        combined = _with_place(previous, place, index)
        return FollowUp(combined, f'Read as a follow-up to "{previous}?": {combined}')
    if WH_RE.match(text) and (ANAPHORA_RE.search(text) or len(text.split()) <= 2):
        asked = ANAPHORA_RE.sub(" ", text).replace("?", " ")
        asked = re.sub(r"\s+", " ", asked).strip()
        subject, aux = _subject(previous)
        if len(asked.split()) <= 2 and aux and not AUX_RE.search(asked):
            asked = f"{asked} {aux}"  # "what time?" after "when was the attack": "what time was the attack"
        combined = f"{asked} {subject}?"
        return FollowUp(combined, f'Read as a follow-up to "{previous}?": {combined}')
    return FollowUp(text)


def _place_named(text: str, index: Index) -> str | None:
    """The place entity id a short reply names as all it says ("and in Syria?"), else None."""
    body = PLACE_PREPOSITION_RE.sub("", LEAD_RE.sub("", text)).strip(" ?.!")
    entity_id = index.entity_keys.get(name_key(body)) if body else None
    if entity_id is None or index.entities[entity_id].kind != "place":
        return None
    return entity_id


def _with_place(previous: str, place: str, index: Index) -> str:
    """The previous question about another place: its own place names swapped, or the place added."""
    new = index.entities[place].name
    for entity in index.entities.values():
        if entity.kind != "place" or entity.id == place:
            continue
        for spelling in {entity.name, *entity.keys}:
            pattern = re.compile(rf"\b{re.escape(spelling)}\b", re.I)
            if len(spelling) > 2 and pattern.search(previous):
                return pattern.sub(new, previous, count=1) + "?"
    return f"{previous} in {new}?"


def _subject(previous: str) -> tuple[str, str | None]:
    """What the previous question asked about, without its question word ("killed in Mosul"),
    and the auxiliary verb it asked with ("were")."""
    lead = PREVIOUS_LEAD_RE.match(previous)
    if not lead:
        return previous, None
    rest = previous[lead.end() :]
    # "how many soldiers were killed in Syria" -> "soldiers killed in Syria"
    return AUX_AFTER_NOUN_RE.sub(r"\1 ", rest, count=1), lead.group("aux")
