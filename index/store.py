"""The index file: columns of plain arrays in one file, read in one go; passages built on demand.

Layout: a magic line, the length of a JSON header and the header itself (each
array's dtype, length and offset, a CRC-32 of everything after the header), then
the arrays, each 64-byte aligned. Loading maps the file into memory and checks the
CRC; it parses no passage: a passage is assembled from its slices of the columns
when answering first looks at it. The map is safe because a save never rewrites a
file in place (it writes a new one and renames it over the old): a process keeps
reading the version it opened.

Columns (n passages; "ptr" arrays hold n + 1 offsets into the per-token,
per-mention, ... columns that follow them):

- postings: `post_ptr` (per vocabulary term), `post_docs`, `post_weights`, `post_constant`;
  the vocabulary is string table `vocab`;
- passages: `p_doc` (article number), `p_i`, `p_para`, `p_start`, `p_end`, `p_heading`,
  `p_context_place` (string id, -1 for none), the text as UTF-8 (`text`, `text_ptr`);
- tokens: `tok_ptr`, `tok_term` (string id), `tok_stop`, `tok_pos`, `tok_depth`;
- mentions, places, sources: one column per field, string fields as string ids.

Strings (terms, mention texts and values, entity ids, sources) are stored once each
in string table `strings` (UTF-8 blob + offsets). Integer columns take the smallest
integer type that holds them. The JSON document (build facts, synonym groups) is
array `meta`; its large parts are arrays of their own, decoded only when read: the
lemma, spelling and title tables as sorted fixed-width keys and values (`<name>_keys`,
`<name>_values`, looked up by binary search), the articles and entities as one JSON
record each (`<name>_json` + `<name>_json_ptr`), and the article ids (`doc_ids`).
"""

from __future__ import annotations

import io
import json
import logging
import mmap
import os
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, get_args, overload

import numpy as np
from pydantic import BaseModel, ValidationError

from index.bm25 import Postings
from index.entities import Entity
from index.meta import ArticleInfo, IndexMeta
from index.passages import Mention, MentionKind, Passage, PlaceRef, SourceRef
from index.terms import TermMaker

FORMAT_VERSION = 3
MAGIC = b"CROSSCHECK-INDEX\n"
ALIGN = 64
MENTION_KINDS: tuple[str, ...] = get_args(MentionKind)
# Mention fields by how they are stored.
MENTION_INTS = ("start", "end", "tok", "tok_end", "depth")
MENTION_FLAGS = ("quoted", "locative")
MENTION_STRINGS = ("text", "value", "qualifier", "precision", "attribution", "said_with", "place", "of")
MENTION_FIELDS: tuple[str, ...] = tuple(Mention.model_fields)
# A save's temporary file lives for the seconds the write takes; one older than this was left by a
# process killed while saving, and nothing will ever rename it.
STALE_TMP_SECONDS = 15 * 60

log = logging.getLogger(__name__)


M = TypeVar("M", bound=BaseModel)


def _trusted(cls: type[M], fields: dict[str, Any]) -> M:
    """A model of values read back from the index, every field given in the model's order: what
    pydantic's `model_construct` makes, without its per-field alias and default lookups (which
    were a third of assembling a passage, and answering assembles thousands)."""
    made = cls.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", set(fields))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


class IndexFileError(Exception):
    """The index file is missing, unreadable or from another version; rebuilding fixes it."""


class IndexNotSaved(IndexFileError):
    """The index was built but its folder cannot be written (read-only, a file in the way, full):
    `index` holds it in memory, and `reason` says why it could not be saved."""

    def __init__(self, path: Path, reason: str, index: Index) -> None:
        super().__init__(f"The index cannot be saved to {path} ({reason}).")
        self.path, self.reason, self.index = path, reason, index


class StringTable:
    """Strings numbered in order of first use, for writing; `lookup` reads them back."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, text: str | None) -> int:
        if text is None:
            return -1
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.ids)
        return found

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The table as a UTF-8 blob and n + 1 offsets."""
        encoded = [s.encode() for s in self.ids]
        ptr = np.zeros(len(encoded) + 1, dtype=np.int64)
        ptr[1:] = np.cumsum([len(e) for e in encoded])
        return np.frombuffer(b"".join(encoded), dtype=np.uint8), ptr


# IndexMeta fields stored as arrays of their own (see the module docstring).
TABLE_FIELDS = ("lemmas", "norms", "folded_titles")
RECORD_FIELDS = ("articles", "entities")


class StringMap(Mapping[str, str]):
    """A str -> str table read straight from two sorted fixed-width byte arrays of the index
    file: a lookup is a binary search, and nothing is decoded until asked for (building the
    41,000-word lemma table as a dict was a fifth of an index load)."""

    def __init__(self, keys: np.ndarray, values: np.ndarray) -> None:
        self._keys, self._values = keys, values
        self._width = keys.dtype.itemsize

    @classmethod
    def arrays(cls, table: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
        """A table as the two arrays, keys sorted by their UTF-8 bytes (what the search compares)."""
        pairs = sorted((k.encode(), v.encode()) for k, v in table.items())
        # At least one byte wide: numpy has no zero-width byte strings.
        keys = np.array([k for k, _ in pairs], dtype=f"S{max([len(k) for k, _ in pairs], default=1) or 1}")
        values = np.array([v for _, v in pairs], dtype=f"S{max([len(v) for _, v in pairs], default=1) or 1}")
        return keys, values

    def _find(self, key: str) -> int:
        encoded = key.encode()
        # Fixed-width byte strings drop trailing NULs, so a key with one could never be found.
        if len(encoded) > self._width or not encoded or encoded.endswith(b"\0"):
            return -1
        at = int(np.searchsorted(self._keys, encoded))
        return at if at < len(self._keys) and self._keys[at] == encoded else -1

    def __getitem__(self, key: str) -> str:
        at = self._find(key) if isinstance(key, str) else -1
        if at < 0:
            raise KeyError(key)
        return bytes(self._values[at]).decode()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return (bytes(k).decode() for k in self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def values(self) -> Any:  # a list: callers build sets of them
        return [bytes(v).decode() for v in self._values]

    def items(self) -> Any:
        return list(zip(self, self.values(), strict=True))


T = TypeVar("T")


class Records(Sequence[T]):
    """A list of records kept as one JSON document each, decoded (and validated by `make`) on
    first access to each: the index's articles and entities."""

    def __init__(self, blob: np.ndarray, ptr: np.ndarray, make: Any) -> None:
        self._blob, self._ptr, self._make = blob, ptr, make
        self._decoded: dict[int, T] = {}

    @staticmethod
    def arrays(records: Iterable[Any]) -> tuple[np.ndarray, np.ndarray]:
        encoded = [
            (r.model_dump_json() if hasattr(r, "model_dump_json") else json.dumps(r)).encode()
            for r in records
        ]
        return np.frombuffer(b"".join(encoded), dtype=np.uint8), _ptr([len(e) for e in encoded])

    def __len__(self) -> int:
        return len(self._ptr) - 1

    @overload
    def __getitem__(self, n: int) -> T: ...
    @overload
    def __getitem__(self, n: slice) -> list[T]: ...
    def __getitem__(self, n: int | slice) -> T | list[T]:
        if isinstance(n, slice):
            return [self[k] for k in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        found = self._decoded.get(n)
        if found is None:
            raw = self._blob[int(self._ptr[n]) : int(self._ptr[n + 1])].tobytes()
            found = self._decoded[n] = self._make(raw)
        return found


# The last few tables' arrays, by the table's contents: every build writes the same 41,000-word
# lemma and spelling tables, and sorting them again was a tenth of adding an article at 100k.
_table_arrays: dict[frozenset[tuple[str, str]], tuple[np.ndarray, np.ndarray]] = {}


def _sorted_table(table: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    contents = frozenset(table.items())
    found = _table_arrays.get(contents)
    if found is None:
        found = StringMap.arrays(table)
        if len(_table_arrays) >= 8:
            _table_arrays.clear()
        _table_arrays[contents] = found
    return found


def _meta_arrays(meta: IndexMeta) -> dict[str, np.ndarray]:
    """The meta document and its large parts, as the arrays they are stored in."""
    small = meta.model_dump_json(exclude={*TABLE_FIELDS, *RECORD_FIELDS}).encode()
    arrays = {"meta": np.frombuffer(small, dtype=np.uint8)}
    for name in TABLE_FIELDS:
        arrays[f"{name}_keys"], arrays[f"{name}_values"] = _sorted_table(getattr(meta, name))
    for name in RECORD_FIELDS:
        arrays[f"{name}_json"], arrays[f"{name}_json_ptr"] = Records.arrays(getattr(meta, name))
    ids = "\n".join(a.doc_id for a in meta.articles).encode()
    arrays["doc_ids"] = np.frombuffer(ids, dtype=np.uint8)
    return arrays


def _loaded_meta(path: Path, arrays: Mapping[str, np.ndarray]) -> tuple[IndexMeta, list[str]]:
    """The meta document with its large parts as lazy views of the arrays, and the article ids."""
    meta = _read_meta(path, arrays["meta"].tobytes())
    parts: dict[str, Any] = {
        name: StringMap(arrays[f"{name}_keys"], arrays[f"{name}_values"]) for name in TABLE_FIELDS
    }
    parts["articles"] = Records(
        arrays["articles_json"], arrays["articles_json_ptr"], ArticleInfo.model_validate_json
    )
    parts["entities"] = Records(arrays["entities_json"], arrays["entities_json_ptr"], json.loads)
    ids = arrays["doc_ids"].tobytes().decode()
    # Constructed, not validated: the parts are typed (Mapping, Sequence) as the model declares them.
    return meta.model_copy(update=parts), ids.split("\n") if ids else []


def compact(values: Iterable[int] | np.ndarray) -> np.ndarray:
    """An integer array in the smallest type that holds its values (int8 for none)."""
    array = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.int64)
    if not len(array):
        return array.astype(np.int8)
    lo, hi = int(array.min()), int(array.max())
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return array.astype(dtype)
    return array


def _ptr(lengths: list[int]) -> np.ndarray:
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(lengths)
    return ptr


def _record(passage: Passage | Mapping[str, Any]) -> Mapping[str, Any]:
    return passage.model_dump() if isinstance(passage, Passage) else passage


def passage_columns(
    passages: Iterable[Passage | Mapping[str, Any]], doc_numbers: Mapping[str, int], strings: StringTable
) -> dict[str, np.ndarray]:
    """The passage, token, mention, place and source columns of some passages."""
    cols, texts = _empty_columns()
    _append_columns(passages, doc_numbers, strings, cols, texts)
    return _compact_columns(cols, texts)


def _empty_columns() -> tuple[dict[str, list[Any]], list[bytes]]:
    cols: dict[str, list[Any]] = {
        name: []
        for name in (
            "p_doc", "p_i", "p_para", "p_start", "p_end", "p_heading", "p_context_place", "text_len",
            "tok_len", "tok_term", "tok_stop", "tok_pos", "tok_depth",
            "m_len", "m_kind", *(f"m_{f}" for f in MENTION_INTS + MENTION_FLAGS + MENTION_STRINGS),
            "pl_len", "pl_tok", "pl_entity", "pl_depth",
            "src_len", "src_tok", "src_start", "src_end", "src_text", "src_verb",
        )
    }  # fmt: skip
    return cols, []


def _append_columns(
    passages: Iterable[Passage | Mapping[str, Any]], doc_numbers: Mapping[str, int], strings: StringTable,
    cols: dict[str, list[Any]], texts: list[bytes],
) -> None:  # fmt: skip
    string_id = strings.id
    for passage in passages:
        p = _record(passage)
        cols["p_doc"].append(doc_numbers[p["doc_id"]])
        for name in ("i", "para", "start", "end"):
            cols[f"p_{name}"].append(p[name])
        cols["p_heading"].append(bool(p.get("heading", False)))
        cols["p_context_place"].append(string_id(p.get("context_place")))
        encoded = p["text"].encode()
        texts.append(encoded)
        cols["text_len"].append(len(encoded))
        cols["tok_len"].append(len(p["terms"]))
        cols["tok_term"] += [string_id(t) for t in p["terms"]]
        cols["tok_stop"] += p["stops"]
        cols["tok_pos"] += p["pos"]
        cols["tok_depth"] += p["depth"]
        mentions = p.get("mentions", [])
        cols["m_len"].append(len(mentions))
        for m in mentions:
            cols["m_kind"].append(MENTION_KINDS.index(m["kind"]))
            for f in MENTION_INTS:
                cols[f"m_{f}"].append(m.get(f, 0))
            for f in MENTION_FLAGS:
                cols[f"m_{f}"].append(bool(m.get(f, False)))
            for f in MENTION_STRINGS:
                cols[f"m_{f}"].append(string_id(m.get(f)))
        places = p.get("places", [])
        cols["pl_len"].append(len(places))
        for r in places:
            cols["pl_tok"].append(r["tok"])
            cols["pl_entity"].append(string_id(r["entity"]))
            cols["pl_depth"].append(r.get("depth", 0))
        sources = p.get("sources", [])
        cols["src_len"].append(len(sources))
        for r in sources:
            for f in ("tok", "start", "end"):
                cols[f"src_{f}"].append(r[f])
            cols["src_text"].append(string_id(r["text"]))
            cols["src_verb"].append(string_id(r["verb"]))


def _compact_columns(cols: dict[str, list[Any]], texts: list[bytes]) -> dict[str, np.ndarray]:
    arrays = {name: compact(values) for name, values in cols.items()}
    arrays["text"] = np.frombuffer(b"".join(texts), dtype=np.uint8)
    return arrays


# The columns holding string ids (-1 for none).
STRING_COLUMNS = (
    "p_context_place", "tok_term", *(f"m_{f}" for f in MENTION_STRINGS), "pl_entity", "src_text", "src_verb",
)  # fmt: skip


@dataclass
class Encoded:
    """Some passages (one article's) as the index's columns, with string ids into their own
    `strings` (numbered in order of first use, as a Writer's table is) and no article number:
    what a Writer needs to add them again without looking at a passage (`Writer.add_encoded`)."""

    columns: dict[str, np.ndarray]  # every column but p_doc
    strings: list[str]
    text: bytes
    passages: int


class _AnyDoc(dict):
    """Article number 0 for every doc_id: encoded passages get theirs when added."""

    def __missing__(self, key: str) -> int:
        return 0


def encode(passages: Iterable[Passage | Mapping[str, Any]]) -> Encoded:
    """Passages as columns with string ids of their own; see Encoded."""
    strings = StringTable()
    cols, texts = _empty_columns()
    _append_columns(passages, _AnyDoc(), strings, cols, texts)
    del cols["p_doc"]
    return Encoded({name: compact(values) for name, values in cols.items()}, list(strings.ids),
                   b"".join(texts), len(texts))  # fmt: skip


# Passages a Writer keeps in memory before it writes their columns to a part file.
PART_PASSAGES = 20_000


class Writer:
    """Writes an index from passages added a few at a time, in bounded memory.

    Columns of every PART_PASSAGES passages go to a part file in a temporary folder;
    `save` then streams the parts into the index file. Memory holds one part, the
    string table and the postings, never every passage (encoded passages' parts stay
    in memory: whoever encoded them holds them all anyway).
    """

    def __init__(self, doc_numbers: Mapping[str, int], strings: Iterable[str] = ()) -> None:
        """`strings` starts the string table (what `add_encoded` remaps to); `add` extends it."""
        self.doc_numbers = doc_numbers
        self.strings = StringTable()
        self.strings.ids = {s: n for n, s in enumerate(strings)}
        # Encoded articles waiting for the part: (columns, article number, local -> table string id).
        self._encoded: list[tuple[Encoded, int, np.ndarray]] = []
        self._folder = tempfile.TemporaryDirectory(prefix="crosscheck-parts-")
        # The pending passages' columns as plain lists, made arrays once per part: per article,
        # the ~40 small arrays cost more than filling the lists (3 s of a 100k build).
        self._pending, self._texts = _empty_columns()
        self._pending_passages = 0
        # name -> (file, or the array for a part kept in memory, dtype, length)
        self._parts: list[dict[str, tuple[Path | np.ndarray, np.dtype, int]]] = []
        self.passages = 0

    def add(self, passages: Iterable[Passage | Mapping[str, Any]]) -> None:
        """Add passages, in index order."""
        if self._encoded:
            raise ValueError("a Writer takes passages (add) or encoded passages (add_encoded), not both")
        before = len(self._texts)
        _append_columns(passages, self.doc_numbers, self.strings, self._pending, self._texts)
        n = len(self._texts) - before
        self._pending_passages += n
        self.passages += n
        if self._pending_passages >= PART_PASSAGES:
            self._flush()

    def add_encoded(self, encoded: Encoded, doc_number: int, remap: np.ndarray) -> None:
        """Add encoded passages (see `encode`), in index order, as passages of article `doc_number`;
        `remap[k]` is the id in this writer's string table of their string k. The columns come out
        as `add` would write them; a writer takes passages one way or the other, not both."""
        if self._texts:
            raise ValueError("a Writer takes passages (add) or encoded passages (add_encoded), not both")
        self._encoded.append((encoded, doc_number, remap))
        self._pending_passages += encoded.passages
        self.passages += encoded.passages
        if self._pending_passages >= PART_PASSAGES:
            self._flush()

    def _encoded_columns(self) -> dict[str, np.ndarray]:
        """The waiting encoded articles' columns, joined and with table string ids: per column a
        few whole-array operations, whatever the number of articles."""
        encoded = self._encoded
        arrays: dict[str, np.ndarray] = {
            "p_doc": compact(np.repeat([n for _, n, _ in encoded], [e.passages for e, _, _ in encoded]))
        }
        remaps = np.concatenate([remap for _, _, remap in encoded]).astype(np.int64)
        starts = np.cumsum([0] + [len(remap) for _, _, remap in encoded[:-1]])
        for name in encoded[0][0].columns:
            pieces = [e.columns[name] for e, _, _ in encoded]
            joined = np.concatenate(pieces).astype(np.int64)
            if name in STRING_COLUMNS:  # each article's own ids, moved to its slice of `remaps`
                local = joined + np.repeat(starts, [len(piece) for piece in pieces])
                found = remaps[np.maximum(local, 0)] if len(remaps) else local
                joined = np.where(joined < 0, -1, found)
            arrays[name] = compact(joined)
        arrays["text"] = np.frombuffer(b"".join(e.text for e, _, _ in encoded), dtype=np.uint8)
        return arrays

    def _flush(self) -> None:
        # Encoded articles' columns stay in memory: their owner keeps every article's columns in
        # memory already, and writing them out to read them back was a tenth of adding an article.
        in_memory = bool(self._encoded)
        if self._encoded:
            columns = self._encoded_columns()
            self._encoded = []
        elif self._texts:
            columns = _compact_columns(self._pending, self._texts)
        else:
            return
        part: dict[str, tuple[Path | np.ndarray, np.dtype, int]] = {}
        k = len(self._parts)
        for name, array in columns.items():
            if in_memory:
                part[name] = (array, array.dtype, len(array))
                continue
            file = Path(self._folder.name) / f"{k}-{name}.bin"
            array.tofile(file)
            part[name] = (file, array.dtype, len(array))
        self._parts.append(part)
        (self._pending, self._texts), self._pending_passages = _empty_columns(), 0

    def save(self, path: Path, meta: IndexMeta, postings: Postings) -> None:
        """Write the index file atomically (readers never see a half-written file), then clean up.

        Raises IndexNotSaved, holding the index in memory, when the file cannot be written.
        Temporary files that killed saves left behind are removed first.
        """
        self._flush()
        try:
            arrays = self._arrays(meta, postings)
            tmp = None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                remove_stale_tmp(path)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
                with os.fdopen(fd, "w+b") as handle:
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
        finally:
            self._folder.cleanup()

    def _arrays(self, meta: IndexMeta, postings: Postings) -> dict[str, _Column]:
        vocab = "\n".join(postings.vocab).encode()
        meta = meta.model_copy(update={"format": FORMAT_VERSION, "vocab": [], "n_docs": postings.n_docs})
        blob, string_ptr = self.strings.arrays()
        arrays: dict[str, _Column] = {name: _Column.of(array) for name, array in _meta_arrays(meta).items()}
        arrays |= {
            "vocab": _Column.of(np.frombuffer(vocab, dtype=np.uint8)),
            "post_ptr": _Column.of(postings.ptr), "post_docs": _Column.of(postings.docs),
            "post_weights": _Column.of(postings.weights), "post_constant": _Column.of(postings.constant),
            "strings": _Column.of(blob), "strings_ptr": _Column.of(string_ptr),
        }  # fmt: skip
        names = list(self._parts[0]) if self._parts else list(passage_columns([], {}, StringTable()))
        for name in names:
            files = [part[name] for part in self._parts]
            if name.endswith("_len"):  # lengths become n + 1 offsets
                arrays[name[: -len("_len")] + "_ptr"] = _Column(files, np.dtype(np.int64), offsets=True)
            else:
                dtype = np.result_type(*[dtype for _, dtype, _ in files]) if files else np.dtype(np.int8)
                arrays[name] = _Column(files, dtype)
        return arrays


@dataclass
class _Column:
    """An array of the index file: in memory, or the concatenation of part files."""

    files: list[tuple[Path | np.ndarray, np.dtype, int]]
    dtype: np.dtype
    offsets: bool = False  # the parts hold lengths; the column is their running sum from 0
    array: np.ndarray | None = None

    @classmethod
    def of(cls, array: np.ndarray) -> _Column:
        return cls([], array.dtype, array=array)

    def __len__(self) -> int:
        if self.array is not None:
            return len(self.array)
        return sum(length for _, _, length in self.files) + (1 if self.offsets else 0)

    def pieces(self) -> Iterator[np.ndarray]:
        """The column's contents in order, one part at a time."""
        if self.array is not None:
            yield np.ascontiguousarray(self.array)
            return
        total = 0
        if self.offsets:
            yield np.zeros(1, dtype=np.int64)
        for file, dtype, _ in self.files:
            piece = file if isinstance(file, np.ndarray) else np.fromfile(file, dtype=dtype)
            piece = piece.astype(self.dtype, copy=False)
            if self.offsets:
                piece = np.cumsum(piece, dtype=np.int64) + total
                total = int(piece[-1]) if len(piece) else total
            yield piece


def save(
    path: Path, meta: IndexMeta, postings: Postings, passages: Iterable[Passage | Mapping[str, Any]]
) -> None:
    """Write an index of these passages (records or models) atomically; see Writer.save."""
    writer = Writer({a.doc_id: n for n, a in enumerate(meta.articles)})
    writer.add(passages)
    writer.save(path, meta, postings)


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


def _write(handle: BinaryIO, arrays: dict[str, _Column]) -> None:
    """Header, then each array aligned; the header's CRC is filled in once the data is written."""
    layout: dict[str, list[Any]] = {}
    offset = 0
    for name, column in arrays.items():
        offset = -(-offset // ALIGN) * ALIGN
        layout[name] = [column.dtype.str, len(column), offset]
        offset += len(column) * column.dtype.itemsize
    placeholder = "0" * 8
    header = json.dumps({"format": FORMAT_VERSION, "crc32": placeholder, "size": offset, "arrays": layout})
    encoded = header.encode()
    begin = handle.tell()
    handle.write(MAGIC + len(encoded).to_bytes(8, "little") + encoded)
    handle.write(b"\0" * (-(len(MAGIC) + 8 + len(encoded)) % ALIGN))
    crc, written = 0, 0
    for name, column in arrays.items():
        pad = b"\0" * (layout[name][2] - written)
        crc = zlib.crc32(pad, crc)
        handle.write(pad)
        written += len(pad)
        for piece in column.pieces():
            data = piece.tobytes()
            crc = zlib.crc32(data, crc)
            handle.write(data)
            written += len(data)
    end = handle.tell()
    at = encoded.index(b'"crc32": "') + len(b'"crc32": "')
    handle.seek(begin + len(MAGIC) + 8 + at)
    handle.write(f"{crc:08x}".encode())
    handle.seek(end)


def _read_meta(path: Path, raw: bytes) -> IndexMeta:
    """The index's JSON document, refused when it comes from another format version."""
    try:
        return IndexMeta.model_validate_json(raw)
    except ValidationError as exc:
        raise IndexFileError(f"{path} cannot be read (its metadata does not match this version)") from exc


def _open(path: Path, held: bytes | None = None) -> tuple[bytes | mmap.mmap, dict[str, np.ndarray]]:
    """Map the file (or take `held`, its bytes) and return its arrays (views into it), checked
    against the header's CRC."""
    with open(path, "rb") if held is None else io.BytesIO(held) as handle:
        head = handle.read(len(MAGIC) + 8)
        if head[: len(MAGIC)] != MAGIC:
            if head[:2] == b"PK":  # the .npz of format 1
                raise IndexFileError(f"{path} is from another version of Crosscheck")
            raise IndexFileError(f"{path} is not a Crosscheck index file")
        size = int.from_bytes(head[len(MAGIC) :], "little")
        try:
            header = json.loads(handle.read(size))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexFileError(f"{path} cannot be read (damaged header: {exc})") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION:
            raise IndexFileError(f"{path} is from another version of Crosscheck")
        start = -(-(len(MAGIC) + 8 + size) // ALIGN) * ALIGN
        total = len(held) if held is not None else os.fstat(handle.fileno()).st_size
        if total != start + header["size"]:
            raise IndexFileError(f"{path} cannot be read (it is {total} bytes, not {start + header['size']})")
        # Mapped, not read: no copy, and pages are shared between processes of the same index.
        # A map of a file truncated in place would kill the process (SIGBUS) at the next read,
        # but saves never do that: they rename a new file over the old, whose inode lives on
        # for as long as this map does.
        # MAP_POPULATE: the checksum reads every page, so fault them in at once, not one by one.
        populate = getattr(mmap, "MAP_POPULATE", 0)
        data = (
            held
            if held is not None
            else mmap.mmap(handle.fileno(), 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
        )
    view = memoryview(data)[start:]
    if f"{zlib.crc32(view):08x}" != header["crc32"]:
        raise IndexFileError(f"{path} cannot be read (its contents are damaged: checksum mismatch)")
    arrays = {
        name: np.frombuffer(view, dtype=np.dtype(dtype), count=length, offset=offset)
        for name, (dtype, length, offset) in header["arrays"].items()
    }
    return data, arrays


class Index:
    """A loaded index: search, passages, articles, entities and the term tables."""

    def __init__(self, path: Path, held: bytes | None = None) -> None:
        """The index saved at `path`, or (given `held`, its bytes) the one held in memory for that path."""
        try:
            self._buffer, self._a = _open(path, held)
            self.meta, self._doc_ids = _loaded_meta(path, self._a)
            vocab = self._a["vocab"].tobytes().decode()
            self.postings = Postings(
                vocab.split("\n") if vocab else [], self._a["post_ptr"], self._a["post_docs"],
                self._a["post_weights"], self._a["post_constant"], self.meta.n_docs,
            )  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, EOFError, UnicodeDecodeError) as exc:
            raise IndexFileError(f"{path} cannot be read ({exc})") from exc
        self.path = path
        self._passages: dict[int, Passage] = {}
        self._strings: dict[int, str] = {}
        self.term_maker = TermMaker(self.meta.lemmas, self.meta.norms, frozenset(self.meta.stops))

    @property
    def fingerprint(self) -> str:
        return self.meta.fingerprint

    def __len__(self) -> int:
        return len(self._a["p_doc"])

    def string(self, n: int) -> str | None:
        """String number n of the string table (None for -1)."""
        if n < 0:
            return None
        found = self._strings.get(n)
        if found is None:
            ptr = self._a["strings_ptr"]
            found = self._strings[n] = self._a["strings"][ptr[n] : ptr[n + 1]].tobytes().decode()
        return found

    def _slice(self, prefix: str, i: int) -> tuple[int, int]:
        ptr = self._a[f"{prefix}_ptr"]
        return int(ptr[i]), int(ptr[i + 1])

    def doc_id(self, i: int) -> str:
        """The doc_id of passage i, without assembling the passage."""
        return self._doc_ids[int(self._a["p_doc"][i])]

    def passage(self, i: int) -> Passage:
        """Passage number i, assembled from the columns on first use."""
        found = self._passages.get(i)
        if found is None:
            found = self._passages[i] = self._assemble(i)
        return found

    def _assemble(self, i: int) -> Passage:
        a, string = self._a, self.string
        if not 0 <= i < len(self):
            raise IndexError(f"passage {i} out of range (the index has {len(self)})")
        lo, hi = self._slice("text", i)
        t_lo, t_hi = self._slice("tok", i)
        m_lo, m_hi = self._slice("m", i)
        pl_lo, pl_hi = self._slice("pl", i)
        s_lo, s_hi = self._slice("src", i)
        mentions: list[Mention] = []
        if m_hi > m_lo:
            # Each field's values for all the passage's mentions, in Mention's field order.
            column = {f: a[f"m_{f}"][m_lo:m_hi].tolist() for f in ("kind", *MENTION_INTS, *MENTION_FLAGS,
                                                                    *MENTION_STRINGS)}  # fmt: skip
            values: dict[str, list[Any]] = {"kind": [MENTION_KINDS[k] for k in column["kind"]]}
            values |= {f: column[f] for f in MENTION_INTS}
            values |= {f: [bool(v) for v in column[f]] for f in MENTION_FLAGS}
            values |= {f: [string(v) for v in column[f]] for f in MENTION_STRINGS}
            rows = zip(*(values[f] for f in MENTION_FIELDS), strict=True)
            mentions = [_trusted(Mention, dict(zip(MENTION_FIELDS, row, strict=True))) for row in rows]
        places = [
            _trusted(PlaceRef, {"tok": tok, "entity": string(entity), "depth": depth})
            for tok, entity, depth in zip(
                a["pl_tok"][pl_lo:pl_hi].tolist(),
                a["pl_entity"][pl_lo:pl_hi].tolist(),
                a["pl_depth"][pl_lo:pl_hi].tolist(),
                strict=True,
            )
        ]
        sources = [
            _trusted(
                SourceRef,
                {"tok": tok, "start": start, "end": end, "text": string(text), "verb": string(verb)},
            )
            for tok, start, end, text, verb in zip(
                *(a[f"src_{f}"][s_lo:s_hi].tolist() for f in ("tok", "start", "end", "text", "verb")),
                strict=True,
            )
        ]
        return _trusted(Passage, {
            "doc_id": self._doc_ids[int(a["p_doc"][i])], "i": int(a["p_i"][i]),
            "para": int(a["p_para"][i]), "start": int(a["p_start"][i]), "end": int(a["p_end"][i]),
            "text": a["text"][lo:hi].tobytes().decode(), "heading": bool(a["p_heading"][i]),
            "terms": [string(t) for t in a["tok_term"][t_lo:t_hi].tolist()],
            "stops": [bool(s) for s in a["tok_stop"][t_lo:t_hi].tolist()],
            "pos": a["tok_pos"][t_lo:t_hi].tolist(), "depth": a["tok_depth"][t_lo:t_hi].tolist(),
            "mentions": mentions, "places": places, "context_place": string(int(a["p_context_place"][i])),
            "sources": sources,
        })  # fmt: skip

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
    def _key_order(self) -> dict[str, int]:
        return {key: n for n, key in enumerate(self.entity_keys)}

    def longest_entity_in(self, folded: str, kinds: Iterable[str]) -> str | None:
        """The entity of these kinds whose key is the longest run of words in `folded` (a name key);
        among keys as long, the first in `entity_keys`. A few dict lookups, not a scan of every key
        (which made "who said" questions 15x slower than others at 100k passages)."""
        wanted = set(kinds)
        words = folded.split()
        best: tuple[tuple[int, int], str] | None = None
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                key = " ".join(words[i:j])
                entity = self.entity_keys.get(key)
                if entity is None or self.entities[entity].kind not in wanted:
                    continue
                rank = (len(key), -self._key_order[key])
                if best is None or rank > best[0]:
                    best = (rank, entity)
        return best[1] if best else None

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
        """doc_id -> passage numbers in order (read from the article column, no passage assembled)."""
        docs = self._a["p_doc"]
        order = np.argsort(docs, kind="stable")  # already in order as builds write them: a quick pass
        ends = np.cumsum(np.bincount(docs, minlength=len(self._doc_ids))).tolist()
        found: dict[str, list[int]] = {}
        start = 0
        for doc, end in enumerate(ends):
            if end > start:
                found[self._doc_ids[doc]] = order[start:end].tolist()
            start = end
        return found
