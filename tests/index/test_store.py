"""The index file: plain arrays in one file, checked by CRC; unreadable files are reported."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from index import bm25
from index.meta import ArticleInfo, IndexMeta
from index.passages import Passage
from index.store import (
    FORMAT_VERSION,
    MAGIC,
    STALE_TMP_SECONDS,
    Index,
    IndexFileError,
    IndexNotSaved,
    StringMap,
    save,
)
from index.terms import tokenize

TEXTS = ["Three people were killed in Baghdad.", "The strike happened at 9.30pm."]


def passage(i: int, text: str) -> Passage:
    tokens = tokenize(text)
    terms = [t.text.lower() for t in tokens]
    stops = [t.kind == "punct" for t in tokens]
    return Passage(
        doc_id="a", i=i, para=i, start=0, end=len(text), text=text, terms=terms, stops=stops,
        pos=list(range(len(tokens))), depth=[0] * len(tokens),
    )  # fmt: skip


META = IndexMeta(
    fingerprint="abc",
    articles=[ArticleInfo(doc_id="a", title="A", outlet=None, url=None, published=None)],
    entities=[],
    lemmas={"killed": "kill"},
    norms={},
    stops=["the"],
    groups={"kill": [["kill"], ["die"]]},
)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    passages = [passage(i, t) for i, t in enumerate(TEXTS)]
    postings = bm25.build([p.search_terms() for p in passages])
    path = tmp_path / "index" / "index.idx"
    save(path, META, postings, passages)
    return path


def test_save_load_round_trip(saved: Path) -> None:
    index = Index(saved)
    assert len(index) == 2, f"expected 2 passages, got {len(index)}"
    assert index.passage(1).text == TEXTS[1], f"expected {TEXTS[1]!r}, got {index.passage(1).text!r}"
    assert index.fingerprint == "abc", f"expected fingerprint 'abc', got {index.fingerprint!r}"
    assert index.articles["a"].title == "A", f"expected article 'a' titled 'A', got {index.articles!r}"
    assert index.groups_of_term == {"kill": ["kill"], "die": ["kill"]}, f"got {index.groups_of_term!r}"
    top = index.postings.top({"baghdad": 1.0}, 5)
    assert [d for d, _ in top] == [0], f"expected passage 0 for 'baghdad', got {top!r}"


def test_save_leaves_no_temporary_files(saved: Path) -> None:
    leftovers = [p.name for p in saved.parent.iterdir() if p != saved]
    assert not leftovers, f"expected only the index file, got {leftovers!r}"


def test_index_passages_round_trip_field_for_field(index: Index, tmp_path: Path) -> None:
    records = [index.passage(i).model_dump() for i in range(len(index))]
    path = tmp_path / "copy.idx"
    save(path, index.meta, index.postings, records)
    copy = Index(path)
    for i, record in enumerate(records):
        got = copy.passage(i).model_dump()
        assert got == record, f"passage {i}: expected {record!r}, got {got!r}"
    assert copy.passages_by_doc == index.passages_by_doc, "expected the same passages per article"


def test_index_passages_assembled_equal_validated_models(index: Index) -> None:
    """Passages are built without validation; each must be the model validating its own values makes."""
    for i in range(len(index)):
        got = index.passage(i)
        expected = Passage.model_validate(got.model_dump())
        assert got == expected, f"passage {i}: expected {expected!r}, got {got!r}"
        for made, valid in [(got, expected), *zip(got.mentions, expected.mentions, strict=True),
                            *zip(got.places, expected.places, strict=True),
                            *zip(got.sources, expected.sources, strict=True)]:  # fmt: skip
            assert list(vars(made)) == list(vars(valid)), f"passage {i}: fields in order {list(vars(valid))}"
            assert made.model_fields_set == valid.model_fields_set, f"passage {i}: expected every field set"


@pytest.mark.parametrize("path_of", ["tmp", "seed"])
def test_index_file_holds_plain_arrays_only(saved: Path, index: Index, path_of: str) -> None:
    path = saved if path_of == "tmp" else index.path
    loaded = Index(path)
    objects = [name for name, array in loaded._a.items() if array.dtype.hasobject]
    assert not objects, f"expected plain arrays only, got object arrays {objects!r}"


def test_index_npz_of_format_1_is_refused_as_another_version(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    np.savez(path, meta=np.frombuffer(json.dumps({"format": 1}).encode(), dtype=np.uint8))
    with pytest.raises(IndexFileError, match="another version"):
        Index(path)


def test_index_other_format_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.idx"
    header = json.dumps({"format": FORMAT_VERSION + 100}).encode()
    path.write_bytes(MAGIC + len(header).to_bytes(8, "little") + header)
    with pytest.raises(IndexFileError, match="another version"):
        Index(path)


CORRUPTIONS = [
    pytest.param(lambda raw: b"not an index at all" * 20, id="garbage"),
    pytest.param(lambda raw: b"", id="empty"),
    pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
    pytest.param(lambda raw: raw[:200] + bytes(b ^ 0xFF for b in raw[200:400]) + raw[400:], id="bit-flips"),
]


@pytest.mark.parametrize("corrupt", CORRUPTIONS)
def test_index_corrupt_file_raises_index_file_error(saved: Path, corrupt) -> None:
    saved.write_bytes(corrupt(saved.read_bytes()))
    with pytest.raises(IndexFileError):
        Index(saved)


def test_index_missing_file_raises_index_file_error(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError):
        Index(tmp_path / "missing.idx")


# --- faults of the folder the index is saved in -----------------------------------------------------


def _save_into(path: Path) -> None:
    passages = [passage(i, t) for i, t in enumerate(TEXTS)]
    save(path, META, passages=passages, postings=bm25.build([p.search_terms() for p in passages]))


@pytest.mark.parametrize("blocked", ["path is a folder", "folder is a file", "folder is read-only"])
def test_save_an_unwritable_index_raises_index_not_saved_holding_it_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, blocked: str
) -> None:
    path = tmp_path / "index" / "index.npz"
    if blocked == "path is a folder":
        path.mkdir(parents=True)
    elif blocked == "folder is a file":
        path.parent.write_text("in the way")
    else:  # chmod would not stop root (CI); the OS's answer to a write there is made up instead

        def read_only(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("index.store.tempfile.mkstemp", read_only)
    with pytest.raises(IndexNotSaved) as raised:
        _save_into(path)
    held = raised.value.index
    assert [held.passage(i).text for i in range(len(held))] == TEXTS, "expected the index held in memory"
    assert str(path) in str(raised.value) and raised.value.reason, f"expected path and reason: {raised.value}"
    assert not list(tmp_path.rglob("*.tmp")), "expected no temporary file left"


def test_save_removes_temporary_files_left_by_a_killed_save_but_not_a_running_one(tmp_path: Path) -> None:
    path = tmp_path / "index" / "index.npz"
    path.parent.mkdir()
    orphan, running, other = (path.parent / n for n in ("index.npzab12.tmp", "index.npzcd34.tmp", "x.tmp"))
    for tmp in (orphan, running, other):
        tmp.write_bytes(b"half an index")
    old = time.time() - STALE_TMP_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(other, (old, old))
    _save_into(path)
    left = sorted(p.name for p in path.parent.iterdir())
    assert left == sorted(["index.npz", running.name, other.name]), f"expected the orphan gone, got {left}"


@pytest.mark.parametrize(
    "phrase",
    [
        "a statement from the US Central Command",
        "Iraqi security sources",
        "U.S. officials",
        "Kataib Hezbollah",
    ],
)
def test_longest_entity_in_finds_what_scanning_every_key_finds(index: Index, phrase: str) -> None:
    from index.entities import name_key

    folded = name_key(phrase)
    best: tuple[int, str] | None = None
    for key, entity in index.entity_keys.items():  # the plain scan the lookup replaces
        named = index.entities[entity].kind in ("person", "org") and f" {key} " in f" {folded} "
        if named and (best is None or len(key) > best[0]):
            best = (len(key), entity)
    expected = best[1] if best else None
    got = index.longest_entity_in(folded, ("person", "org"))
    assert got == expected, f"{phrase!r}: expected {expected}, got {got}"


# --- large meta parts read lazily ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [("killed", "kill"), ("café", "café"), ("a", "b"), ("kill", None), ("", None), ("zzzzzzzzzzzz", None)],
)
def test_string_map_lookup_equals_dict(key: str, expected: str | None) -> None:
    table = {"killed": "kill", "café": "café", "a": "b", "neighbours": "neighbour"}
    mapped = StringMap(*StringMap.arrays(table))
    assert mapped.get(key) == expected, f"expected {expected!r} for {key!r}, got {mapped.get(key)!r}"
    assert dict(mapped) == table, f"expected the whole table back, got {dict(mapped)!r}"


def test_index_meta_parts_round_trip(saved: Path) -> None:
    meta = Index(saved).meta
    got = (dict(meta.lemmas), list(meta.articles), list(meta.entities))
    expected = (dict(META.lemmas), list(META.articles), list(META.entities))
    assert got == expected, f"expected {expected!r}, got {got!r}"
