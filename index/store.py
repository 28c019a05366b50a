"""The index file: one uncompressed .npz, loaded without pickle, passages parsed on demand.

Layout: BM25 postings as numeric arrays; a JSON document (articles, entities,
lemma and spelling tables, synonym groups, build facts) as UTF-8 bytes; and the
passages as one UTF-8 blob of JSON records with an offsets array, so loading
reads a few arrays and answering parses only the passages it looks at.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import time
import zipfile
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
from pydantic import ValidationError

from index.bm25 import Postings
from index.entities import Entity
from index.meta import ArticleInfo, IndexMeta
from index.passages import Passage
from index.terms import TermMaker

FORMAT_VERSION = 1
# A save's temporary file lives for the seconds the write takes; one older than this was left by a
# process killed while saving, and nothing will ever rename it.
STALE_TMP_SECONDS = 15 * 60

log = logging.getLogger(__name__)


class IndexFileError(Exception):
    """The index file is missing, unreadable or from another version; rebuilding fixes it."""


class IndexNotSaved(IndexFileError):
    """The index was built but its folder cannot be written (read-only, a file in the way, full):
    `index` holds it in memory, and `reason` says why it could not be saved."""

    def __init__(self, path: Path, reason: str, index: Index) -> None:
        super().__init__(f"The index cannot be saved to {path} ({reason}).")
        self.path, self.reason, self.index = path, reason, index


def save(path: Path, meta: IndexMeta, postings: Postings, passages: list[Passage]) -> None:
    """Write the index atomically: readers never see a half-written file.

    Raises IndexNotSaved, holding the index in memory, when the file cannot be written.
    Temporary files that killed saves left behind are removed first.
    """
    records = [p.model_dump_json().encode() for p in passages]
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in records])
    blob = np.frombuffer(b"".join(records), dtype=np.uint8)
    meta = meta.model_copy(
        update={"format": FORMAT_VERSION, "vocab": postings.vocab, "n_docs": postings.n_docs}
    )
    arrays = {
        "meta": np.frombuffer(meta.model_dump_json().encode(), dtype=np.uint8),
        "ptr": postings.ptr,
        "docs": postings.docs,
        "weights": postings.weights,
        "constant": postings.constant,
        "passages": blob,
        "offsets": offsets,
    }
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_tmp(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            _write(handle, arrays)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        buffer = io.BytesIO()
        _write(buffer, arrays)
        raise IndexNotSaved(path, exc.strerror or str(exc), Index(path, buffer.getvalue())) from exc
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write(handle: BinaryIO, arrays: dict[str, np.ndarray]) -> None:
    np.savez(handle, **arrays)  # type: ignore[arg-type]


def remove_stale_tmp(path: Path, older_than: float = STALE_TMP_SECONDS) -> None:
    """Remove the temporary files of saves of `path` that were killed midway (older than
    `older_than` seconds; a younger one may be another process's save in progress)."""
    cutoff = time.time() - older_than
    for tmp in path.parent.glob(f"{path.name}*.tmp"):
        try:
            if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                log.info("Removed %s, left by a save that was stopped midway.", tmp.name)
        except OSError as exc:  # another process removed it first, or the folder is read-only
            log.debug("Could not remove %s: %s", tmp, exc)


def _read_meta(path: Path, raw: bytes) -> IndexMeta:
    """The index's JSON document, refused when it comes from another format version."""
    try:
        meta = IndexMeta.model_validate_json(raw)
    except ValidationError:
        meta = None  # maybe another version's fields: say so when its format says so
    found = meta.format if meta else json.loads(raw).get("format")
    if found != FORMAT_VERSION:
        raise IndexFileError(f"{path} is from another version of Crosscheck")
    if meta is None:
        raise IndexFileError(f"{path} cannot be read (its metadata does not match this version)")
    return meta


class Index:
    """A loaded index: search, passages, articles, entities and the term tables."""

    def __init__(self, path: Path, held: bytes | None = None) -> None:
        """The index saved at `path`, or (given `held`, its bytes) the one held in memory for that path."""
        try:
            with np.load(path if held is None else io.BytesIO(held), allow_pickle=False) as data:
                self.meta = _read_meta(path, data["meta"].tobytes())
                self.postings = Postings(
                    self.meta.vocab, data["ptr"], data["docs"], data["weights"],
                    data["constant"], self.meta.n_docs,
                )  # fmt: skip
                self._blob = data["passages"]
                self._offsets = data["offsets"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
            raise IndexFileError(f"{path} cannot be read ({exc})") from exc
        self.path = path
        self._passages: dict[int, Passage] = {}
        self.term_maker = TermMaker(self.meta.lemmas, self.meta.norms, frozenset(self.meta.stops))

    @property
    def fingerprint(self) -> str:
        return self.meta.fingerprint

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def passage(self, i: int) -> Passage:
        """Passage number i, parsed on first use."""
        found = self._passages.get(i)
        if found is None:
            raw = self._blob[self._offsets[i] : self._offsets[i + 1]].tobytes()
            found = self._passages[i] = Passage.model_validate_json(raw)
        return found

    @cached_property
    def articles(self) -> dict[str, ArticleInfo]:
        return {a.doc_id: a for a in self.meta.articles}

    @cached_property
    def entities(self) -> dict[str, Entity]:
        return {e["id"]: Entity.model_validate(e) for e in self.meta.entities}

    @cached_property
    def entity_keys(self) -> dict[str, str]:
        """Folded name key -> entity id, for every spelling and alias."""
        return {key: e.id for e in self.entities.values() for key in e.keys}

    @cached_property
    def groups(self) -> dict[str, list[list[str]]]:
        """Synonym groups: name -> phrases, each a list of terms."""
        return self.meta.groups

    @cached_property
    def groups_of_term(self) -> dict[str, list[str]]:
        """Term -> the synonym groups it belongs to (single-term entries)."""
        found: dict[str, list[str]] = {}
        for name, phrases in self.groups.items():
            for phrase in phrases:
                if len(phrase) == 1:
                    found.setdefault(phrase[0], []).append(name)
        return found

    @cached_property
    def passages_by_doc(self) -> dict[str, list[int]]:
        """doc_id -> passage numbers in order (parses every passage; for tools, not answering)."""
        found: dict[str, list[int]] = {}
        for i in range(len(self)):
            found.setdefault(self.passage(i).doc_id, []).append(i)
        return found
