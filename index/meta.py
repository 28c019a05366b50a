"""What an index file records besides its passages and postings, as typed models.

`IndexMeta` is the JSON document stored in the index file (see store.py): how and
from what the index was built, the articles, the entities (kept as plain records,
validated as `Entity` only when first used), the lemma and spelling tables and the
synonym groups. `ArticleInfo` is what answering and the front ends know of an article.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field


class ArticleInfo(BaseModel):
    """An article as the index records it: id, title, outlet, link and date where known."""

    doc_id: str = Field(description="The article's file name without .txt")
    title: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="ISO date, when known")
    passages: int = 0


class Bm25Settings(BaseModel):
    """The BM25 variant and parameters the postings were computed with."""

    variant: str
    k1: float
    b: float
    delta: float


class IndexMeta(BaseModel):
    """The index file's JSON document. `format`, `vocab` and `n_docs` are filled in by `save`."""

    format: int = 0
    fingerprint: str
    stat_signature: str | None = None
    pipeline: str = ""  # which spaCy pipeline built it
    corpus: str = ""
    built: str = ""  # local time, ISO
    bm25: Bm25Settings | None = None
    reference_date: str | None = None  # ISO date undated articles resolve relative dates against
    # The large parts are Sequence and Mapping, not list and dict: a loaded index reads them
    # straight from its file (index/store.py: StringMap, Records), decoding only what is used.
    articles: Sequence[ArticleInfo] = Field(default_factory=list)
    entities: Sequence[dict[str, Any]] = Field(default_factory=list)  # Entity records, validated on first use
    lemmas: Mapping[str, str] = Field(default_factory=dict)
    norms: Mapping[str, str] = Field(default_factory=dict)
    stops: list[str] = Field(default_factory=list)
    groups: dict[str, list[list[str]]] = Field(default_factory=dict)  # synonym group -> phrases of terms
    exclusive: dict[str, list[str]] = Field(default_factory=dict)  # rival sets of group names
    folded_titles: Mapping[str, str] = Field(default_factory=dict)
    vocab: list[str] = Field(default_factory=list)
    n_docs: int = 0
