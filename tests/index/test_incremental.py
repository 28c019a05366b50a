"""Incremental rebuilds (index/incremental.py): after an article is added or removed, only what
changed goes through spaCy, and the index is the one a full build makes, byte for byte and answer
for answer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.core.engine import Engine
from bot.settings import load_settings
from index.articles import article_files
from index.build import BuildOptions, build
from index.incremental import IncrementalAssembly
from index.store import _open
from tests.bot.coverage.conftest import seed_copy
from tests.conftest import DATA
from tests.page_server import TEXT_ARTICLE

DATED_ARTICLE = (
    "Iraq summons US envoy over Baghdad strike\n\n"
    "First Published Feb 10, 2024, 9:00 AM IST\n\n"
    "Iraq's foreign ministry summoned the US envoy on Friday over the drone strike in Baghdad.\n\n"
    "Iraqi security officials said four people were killed in the strike on Wednesday, including two "
    "guards of the commander.\n\n"
    "Washington blames Kataib Hezbollah for the attack in Jordan last month that killed three soldiers.\n"
)


def questions() -> list[str]:
    lines = (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def options(corpus: Path, index_dir: Path) -> BuildOptions:
    s = load_settings(corpus=corpus, index_dir=index_dir)
    return Engine(s).options


def contents(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    _, arrays = _open(path)
    meta = json.loads(bytes(arrays["meta"]).decode()) if "meta" in arrays else {}
    return {k: v for k, v in meta.items() if k != "built"}, {k: v for k, v in arrays.items() if k != "meta"}


def assert_same_index(incremental: Path, full: Path) -> None:
    meta_a, arrays_a = contents(incremental)
    meta_b, arrays_b = contents(full)
    assert meta_a == meta_b, "expected the same metadata (articles, entities, tables) as a full build"
    assert arrays_a.keys() == arrays_b.keys(), (
        f"expected the same arrays, got {sorted(arrays_a)} vs {sorted(arrays_b)}"
    )
    differ = [k for k in arrays_a if not np.array_equal(arrays_a[k], arrays_b[k])]
    assert not differ, f"expected every array equal to a full build's, these differ: {differ}"


def answers(corpus: Path, index_dir: Path) -> list[dict]:
    engine = Engine(load_settings(corpus=corpus, index_dir=index_dir))
    return [engine.answer(q).model_dump() for q in questions()]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = seed_copy(tmp_path / "corpus")
    for path in (DATA / "extra_corpus").glob("*.txt"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.parametrize(
    ("change", "text"),
    [("add undated", TEXT_ARTICLE), ("add dated later", DATED_ARTICLE), ("remove", None), ("edit", None)],
)
def test_incremental_rebuild_equals_a_full_build(
    corpus: Path, tmp_path: Path, change: str, text: str | None
) -> None:
    inc = options(corpus, tmp_path / "inc")
    assembly = IncrementalAssembly()
    build(inc, article_files(corpus), assembly=assembly)
    assert len(assembly.rebuilt) == len(article_files(corpus)), (
        "expected the first build to read every article"
    )
    seeds = sorted(corpus.glob("0*.txt"))
    if text is not None:
        (corpus / "900_new.txt").write_text(text, encoding="utf-8")
    elif change == "remove":
        seeds[1].unlink()
    else:
        seeds[2].write_text(
            seeds[2].read_text(encoding="utf-8") + "\nThree people were killed, officials said.\n"
        )
    files = article_files(corpus)
    build(inc, files, assembly=assembly)
    if change == "add undated":
        assert assembly.rebuilt[:1] == ["900_new"] or "900_new" in assembly.rebuilt
        assert len(assembly.rebuilt) < len(files) / 2, (
            f"expected few articles through spaCy, got {assembly.rebuilt}"
        )
    if change == "remove":
        assert len(assembly.rebuilt) < len(files) / 2, (
            f"expected few articles through spaCy, got {assembly.rebuilt}"
        )
    full = options(corpus, tmp_path / "full")
    build(full, files)
    assert_same_index(inc.index_file, full.index_file)
    assert answers(corpus, tmp_path / "inc") == answers(corpus, tmp_path / "full"), (
        "expected every question answered the same after the incremental rebuild as after a full one"
    )


# "Hamas" is typed "other" in the seed coverage; this article calls it a militia twice, so it
# becomes an org, and every article naming it must be settled again (mentions carry the kind).
RETYPING_ARTICLE = (
    "Militia leaders meet in Doha\n\n"
    "Hamas militia leaders met mediators on Monday, officials said.\n\n"
    "The Hamas militia said the talks would continue, and the Hamas militia named no date.\n"
)


def entity_kinds(index_file: Path) -> dict[str, str]:
    _, arrays = _open(index_file)
    records = bytes(arrays["entities_json"]).decode()
    ptr = arrays["entities_json_ptr"].tolist()
    found = [json.loads(records[ptr[n] : ptr[n + 1]]) for n in range(len(ptr) - 1)]
    return {key: e["kind"] for e in found for key in e["keys"]}


@pytest.mark.parametrize("text", [TEXT_ARTICLE, DATED_ARTICLE], ids=["undated", "dated later"])
def test_incremental_add_then_remove_equals_the_original(
    corpus: Path, tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.incremental.EVIDENCE_BLOCK", 2)  # several blocks of evidence, most kept
    inc = options(corpus, tmp_path / "inc")
    assembly = IncrementalAssembly()
    build(inc, article_files(corpus), assembly=assembly)
    original = options(corpus, tmp_path / "original")
    build(original, article_files(corpus))
    added = corpus / "900_new.txt"
    added.write_text(text, encoding="utf-8")
    build(inc, article_files(corpus), assembly=assembly)
    added.unlink()
    build(inc, article_files(corpus), assembly=assembly)
    assert_same_index(inc.index_file, original.index_file)


def test_incremental_retyped_name_resettles_the_articles_naming_it(tmp_path: Path) -> None:
    corpus = seed_copy(tmp_path / "corpus")
    inc = options(corpus, tmp_path / "inc")
    assembly = IncrementalAssembly()
    build(inc, article_files(corpus), assembly=assembly)
    before = entity_kinds(inc.index_file)
    (corpus / "900_retyping.txt").write_text(RETYPING_ARTICLE, encoding="utf-8")
    files = article_files(corpus)
    build(inc, files, assembly=assembly)
    after = entity_kinds(inc.index_file)
    assert (before.get("hamas"), after.get("hamas")) == ("other", "org"), (
        f"expected the added article to retype hamas from other to org, got {before.get('hamas')} -> "
        f"{after.get('hamas')}"
    )
    naming = {p.stem for p in files if "hamas" in p.read_text(encoding="utf-8").lower()}
    assert naming - {"900_retyping"} <= set(assembly.resettled), (
        f"expected every article naming hamas ({sorted(naming)}) settled again, got {assembly.resettled}"
    )
    assert assembly.rebuilt == ["900_retyping"], (
        f"expected only the new article through spaCy, got {assembly.rebuilt}"
    )
    full = options(corpus, tmp_path / "full")
    build(full, files)
    assert_same_index(inc.index_file, full.index_file)


def test_incremental_unchanged_names_settle_nothing_again(corpus: Path, tmp_path: Path) -> None:
    inc = options(corpus, tmp_path / "inc")
    assembly = IncrementalAssembly()
    build(inc, article_files(corpus), assembly=assembly)
    assert len(assembly.resettled) == len(article_files(corpus)), "expected the first build to settle all"
    build(inc, article_files(corpus), assembly=assembly)
    assert (assembly.rebuilt, assembly.resettled) == ([], []), (
        f"expected nothing rebuilt or settled again when nothing changed, got {assembly.rebuilt}, "
        f"{assembly.resettled}"
    )


def test_incremental_first_build_in_workers_equals_a_full_build(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "index.incremental._workers", lambda chars: 2
    )  # reading and spaCy as for a large corpus
    inc = options(corpus, tmp_path / "inc")
    assembly = IncrementalAssembly()
    build(inc, article_files(corpus), assembly=assembly)
    (corpus / "900_new.txt").write_text(DATED_ARTICLE, encoding="utf-8")
    files = article_files(corpus)
    build(inc, files, assembly=assembly)
    full = options(corpus, tmp_path / "full")
    build(full, files)
    assert_same_index(inc.index_file, full.index_file)
