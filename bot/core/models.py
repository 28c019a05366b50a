"""The answer a user gets, as pydantic models: the JSON contract of `ask --json`.

`Answer.answers` holds one `Claim` per differing value, best supported first,
each with the `Source`s that give it. An empty list means the coverage has no
answer; `closest` then shows the passages that came nearest.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal["number", "date", "time", "person", "place", "organization", "other"]


class Source(BaseModel):
    """One article's sentence that gives a value, and who the article attributes it to."""

    doc_id: str = Field(description="The article's file name without .txt")
    title: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="ISO date, when known")
    sentence: str
    start: int = Field(description="Where the answer starts inside `sentence`")
    end: int = Field(description="Where the answer ends inside `sentence`")
    attribution: str | None = Field(None, description='Who the article credits: "U.S. officials"')
    score: float = Field(description="Confidence of this source, 0 to 1")


class Claim(BaseModel):
    """One of the differing answers, with every source that gives it."""

    value: str = Field(description='Canonical value: "3", "2024-01-28", "21:30", a full name')
    text: str = Field(description='How the best source words it: "at least three"')
    qualifier: str | None = Field(None, description='"at least", "over", "up to", ... for numbers')
    aliases: list[str] = Field(default_factory=list, description="Other names the corpus gives it")
    sources: list[Source]


class Answer(BaseModel):
    """Everything the coverage says in reply to one question."""

    question: str
    kind: Kind
    answers: list[Claim]
    conflict: bool = Field(description="True when the sources give more than one answer")
    closest: list[Source] = Field(
        default_factory=list, description="When there is no answer: the passages that came nearest"
    )
    notices: list[str] = Field(default_factory=list, description="Things the user should know")
