"""Building the index, and reusing it while nothing it depends on has changed."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

import index.build as build_module
from index.articles import CorpusError
from index.build import BuildOptions, fingerprint, open_index
from index.store import Index
from tests.helpers import SMALL_ARTICLE

SECOND_ARTICLE = "Another report\nMilitia officials said two people died in Baghdad.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


@pytest.fixture
def options(tmp_path: Path, make_corpus) -> BuildOptions:
    corpus = make_corpus({"a.txt": SMALL_ARTICLE, "b.txt": SECOND_ARTICLE})
    config = tmp_path / "config"
    config.mkdir()
    return BuildOptions(corpus=corpus, config_dir=config, index_dir=tmp_path / "index")


def files_of(options: BuildOptions) -> list[Path]:
    return sorted(options.corpus.glob("*.txt"))


def texts(index: Index) -> list[str]:
    return [index.passage(i).text for i in range(len(index))]


def refuse_to_build(*args, **kwargs):
    raise AssertionError("expected the saved index to be reused, but it was rebuilt")


def test_fingerprint_same_when_nothing_changed(options: BuildOptions) -> None:
    first, second = fingerprint(options, files_of(options)), fingerprint(options, files_of(options))
    assert first == second, "expected the same fingerprint for the same inputs"


@pytest.mark.parametrize(
    "change",
    ["article bytes", "new article", "sources.toml", "lexicon.toml", "bm25 variant", "spacy model"],
)
def test_fingerprint_changes_with_any_input(options: BuildOptions, change: str) -> None:
    before = fingerprint(options, files_of(options))
    changed = options
    if change == "article bytes":
        (options.corpus / "a.txt").write_text(SMALL_ARTICLE.replace("three", "four"), encoding="utf-8")
    elif change == "new article":
        (options.corpus / "c.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    elif change == "sources.toml":
        options.sources_file.write_text('["a"]\noutlet = "Wire"\n', encoding="utf-8")
    elif change == "lexicon.toml":
        options.lexicon_file.write_text('[groups]\nkill = ["kill", "die"]\n', encoding="utf-8")
    elif change == "bm25 variant":
        changed = dataclasses.replace(options, bm25_variant="okapi")
    else:
        changed = dataclasses.replace(options, spacy_model="en_core_web_md")
    after = fingerprint(changed, files_of(changed))
    assert after != before, f"expected a new fingerprint after changing the {change}"


def test_open_index_writes_into_index_dir(options: BuildOptions) -> None:
    index = open_index(options)
    assert index.path.parent == options.index_dir, (
        f"expected the file in {options.index_dir}, got {index.path}"
    )
    assert {a for a in index.articles} == {"a", "b"}, (
        f"expected articles a and b, got {list(index.articles)!r}"
    )


def test_open_index_reused_when_nothing_changed(
    options: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_index(options)
    monkeypatch.setattr(build_module, "build", refuse_to_build)
    second = open_index(options)
    assert second.fingerprint == first.fingerprint, "expected the same index back"


def test_open_index_rebuilt_when_article_changes(options: BuildOptions) -> None:
    first = open_index(options)
    (options.corpus / "b.txt").write_text(
        SECOND_ARTICLE.replace("two people", "five people"), encoding="utf-8"
    )
    second = open_index(options)
    assert second.fingerprint != first.fingerprint, "expected a rebuilt index with a new fingerprint"
    assert any("five people" in t for t in texts(second)), (
        f"expected the new text indexed, got {texts(second)!r}"
    )


def test_open_index_rebuild_forced(options: BuildOptions) -> None:
    first = open_index(options)
    passages = len(first)
    first.path.write_bytes(b"stale")
    second = open_index(options, rebuild=True)
    assert len(second) == passages, f"expected {passages} passages after a forced rebuild, got {len(second)}"


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda raw: b"garbage" * 50, id="garbage"),
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
    ],
)
def test_open_index_rebuilt_when_file_corrupt(
    options: BuildOptions, corrupt, caplog: pytest.LogCaptureFixture
) -> None:
    first = open_index(options)
    # Read before the file is damaged in place: a loaded index maps its file, and saves never
    # rewrite one in place (only a damage like this test's does).
    before = texts(first)
    first.path.write_bytes(corrupt(first.path.read_bytes()))
    with caplog.at_level(logging.WARNING):
        second = open_index(options)
    assert texts(second) == before, "expected the same passages after rebuilding a corrupt file"
    assert any("Rebuilding" in r.getMessage() for r in caplog.records), "expected a warning about rebuilding"


def test_build_odd_encodings_and_broken_config(
    tmp_path: Path, make_corpus, caplog: pytest.LogCaptureFixture
) -> None:
    text = "Officials said three people were killed in Baghdad’s Mashtal neighbourhood — at a café.\n"
    corpus = make_corpus(
        {
            "cp1252.txt": ("Windows report\n" + text).encode("cp1252"),
            "utf16.txt": ("UTF-16 report\n" + text).encode("utf-16"),
            "utf8bom.txt": ("BOM report\n" + text).encode("utf-8-sig"),
            "photo.txt": PNG,
        }
    )
    config = tmp_path / "config"
    config.mkdir()
    (config / "sources.toml").write_text('["cp1252"\noutlet = ', encoding="utf-8")
    (config / "lexicon.toml").write_text("[groups\nkill = [", encoding="utf-8")
    options = BuildOptions(corpus=corpus, config_dir=config, index_dir=tmp_path / "index")
    with caplog.at_level(logging.WARNING):
        index = open_index(options)
    titles = {doc_id: a.title for doc_id, a in index.articles.items()}
    expected = {"cp1252": "Windows report", "utf16": "UTF-16 report", "utf8bom": "BOM report"}
    assert titles == expected, f"expected {expected!r}, got {titles!r}"
    body = "Officials said three people were killed in Baghdad's Mashtal neighbourhood — at a café."
    bodies = [t for t in texts(index) if t.startswith("Officials")]
    assert bodies == [body] * 3, f"expected the same clean sentence from each encoding, got {bodies!r}"
    warned = "\n".join(r.getMessage() for r in caplog.records)
    for name in ("photo.txt", "cp1252.txt", "sources.toml", "lexicon.toml"):
        assert name in warned, f"expected a warning naming {name}, got:\n{warned}"


def test_build_undated_article_resolves_against_latest_known_date(tmp_path: Path, make_corpus) -> None:
    corpus = make_corpus(
        {
            "dated.txt": "Dated report\nThe strike was condemned by Iraqi leaders.\n",
            "undated.txt": "Undated report\nThe strike in Baghdad happened on Wednesday.\n",
        }
    )
    config = tmp_path / "config"
    config.mkdir()
    (config / "sources.toml").write_text('["dated"]\npublished = 2024-02-08\n', encoding="utf-8")
    index = open_index(BuildOptions(corpus=corpus, config_dir=config, index_dir=tmp_path / "index"))
    dates = [m.value for i in range(len(index)) for m in index.passage(i).mentions if m.kind == "date"]
    assert dates == ["2024-02-07"], f"expected Wednesday resolved to 2024-02-07, got {dates!r}"


def test_build_only_unreadable_files_is_corpus_error(tmp_path: Path, make_corpus) -> None:
    corpus = make_corpus({"one.txt": PNG, "two.txt": PNG + b"\x00"})
    options = BuildOptions(corpus=corpus, config_dir=tmp_path, index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match="could be read"):
        open_index(options)


@pytest.mark.parametrize(
    ("folder", "message"), [("missing", "does not exist"), ("empty", r"no \.txt articles")]
)
def test_open_index_bad_corpus_folder(tmp_path: Path, folder: str, message: str) -> None:
    corpus = tmp_path / folder
    if folder == "empty":
        corpus.mkdir()
    options = BuildOptions(corpus=corpus, config_dir=tmp_path, index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match=message) as raised:
        open_index(options)
    assert str(corpus) in str(raised.value), f"expected the message to name {corpus}, got {raised.value}"
