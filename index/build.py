"""Building the index from a corpus folder, and reusing it while nothing has changed.

The index is rebuilt when its fingerprint changes: a hash of every article's
name and bytes, the metadata sidecar, the synonym lexicon, the spaCy model
setting, the BM25 parameters and the index code itself (so a new release never
answers from an index built by old rules).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import multiprocessing
import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, Protocol

from index import bm25, places
from index.articles import CORPUS_SIDECAR, Article, CorpusError, article_files, merged_sources, read_article
from index.entities import Entity
from index.lexicon import load_lexicon
from index.meta import ArticleInfo, Bm25Settings, IndexMeta
from index.passages import Builder, capitalization, search_terms
from index.store import FORMAT_VERSION, Index, IndexFileError, IndexNotSaved, Writer
from index.terms import TermMaker, fold, tokenize

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Everything an index depends on besides the articles."""

    corpus: Path
    config_dir: Path
    index_dir: Path
    spacy_model: str = "en_core_web_sm"
    bm25_variant: str = bm25.DEFAULT_VARIANT
    bm25_k1: float = bm25.DEFAULT_K1
    bm25_b: float = bm25.DEFAULT_B
    bm25_delta: float = bm25.DEFAULT_DELTA

    @property
    def sources_file(self) -> Path:
        return self.config_dir / "sources.toml"

    @property
    def lexicon_file(self) -> Path:
        return self.config_dir / "lexicon.toml"

    @property
    def index_file(self) -> Path:
        folder_key = hashlib.sha1(str(self.corpus.resolve()).encode()).hexdigest()[:12]
        return self.index_dir / f"index-{folder_key}.idx"


def _inputs(options: BuildOptions, files: list[Path]) -> list[Path]:
    """Every file the index is built from: its own code, the sidecar, the lexicon, the articles."""
    return [
        *sorted(Path(__file__).parent.glob("*.py")),
        *sorted(Path(__file__).parent.glob("data/*.toml")),
        options.sources_file,
        options.lexicon_file,
        options.corpus / CORPUS_SIDECAR,
        *files,
    ]


def fingerprint(options: BuildOptions, files: list[Path]) -> str:
    """A hash of everything the index is built from: settings and every input file's bytes
    (each file's own hash, so a file unchanged since this process last hashed it is not read)."""
    digest = hashlib.sha256(fingerprint_settings(options).encode())
    for path in _inputs(options, files):
        digest.update(path.name.encode() + b"\0" + _file_digest(path))
    return digest.hexdigest()


# (path, size, mtime, inode) -> the file's hash: what stat_signature trusts, a file not read again.
_digests: dict[tuple[str, int, int, int], bytes] = {}


def _file_digest(path: Path) -> bytes:
    """The SHA-256 of a file's bytes; b"-" when it cannot be read (the build skips it, with a warning)."""
    try:
        stat = os.stat(path)
    except OSError:
        return b"-"
    version = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    found = _digests.get(version)
    if found is None:
        digest = hashlib.sha256()
        try:  # in pieces: an article can be huge
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            return b"-"
        found = _digests[version] = digest.digest()
    return found


def stat_signature(options: BuildOptions, files: list[Path]) -> str:
    """A cheap stand-in for the fingerprint: names, sizes and modification times only.

    When it matches the index's, no input changed and nothing needs reading; when it
    does not, the contents are hashed to decide (a file touched but not changed is fine).
    """
    digest = hashlib.sha256(fingerprint_settings(options).encode())
    lines = []
    for path in _inputs(options, files):
        try:  # one stat per file, no pathlib: at thousands of articles this is an index load's cost
            stat = os.stat(path)
            size, mtime = (stat.st_size, stat.st_mtime_ns) if S_ISREG(stat.st_mode) else (-1, -1)
        except OSError:
            size, mtime = -1, -1
        lines.append(f"{path}|{size}|{mtime}\n")
    digest.update("".join(lines).encode())
    return digest.hexdigest()


def fingerprint_settings(options: BuildOptions) -> str:
    """The settings an index depends on, as one string."""
    return (
        f"{FORMAT_VERSION}|{options.spacy_model}|{options.bm25_variant}|"
        f"{options.bm25_k1}|{options.bm25_b}|{options.bm25_delta}"
    )


def open_index(options: BuildOptions, rebuild: bool = False) -> Index:
    """The index for a corpus: loaded when current, built (and saved) when not.

    Raises CorpusError when the folder is missing, empty or holds no readable article.
    """
    files = article_files(options.corpus)
    path = options.index_file
    quick = stat_signature(options, files)
    current = None
    if path.is_file() and not rebuild:
        try:
            index = Index(path)
            if index.meta.stat_signature == quick or index.fingerprint == (
                current := fingerprint(options, files)
            ):
                log.info(
                    "Loaded the index of %d passages from %d articles (spaCy: %s).",
                    len(index), len(index.meta.articles), index.meta.pipeline,
                )  # fmt: skip
                return index
            log.info("The corpus or settings changed since the index was built; rebuilding.")
        except IndexFileError as exc:
            log.warning("Rebuilding the index: %s", exc)
    try:
        build(options, files, current or fingerprint(options, files), quick)
    except IndexNotSaved as exc:
        _warn_unsaved_once(exc)
        return exc.index
    return Index(path)


_unsaved_warned: set[Path] = set()


def _warn_unsaved_once(exc: IndexNotSaved) -> None:
    """Say once per process and index file that the index lives in memory only."""
    if exc.path not in _unsaved_warned:
        _unsaved_warned.add(exc.path)
        log.warning(
            "%s It is kept in memory instead and built again at each start; make the folder writable "
            "or set CROSSCHECK_INDEX_DIR to one that is.", exc
        )  # fmt: skip


def _reference_date(articles: list[ArticleInfo]) -> date | None:
    """The date relative dates resolve against in articles that state none: the latest known."""
    known = [date.fromisoformat(a.published) for a in articles if a.published]
    return max(known) if known else None


class _Corpus(Sequence[Article]):
    """The readable articles of a corpus, read once (in parallel for a large corpus) for what the
    whole corpus says: capitalization, dates, titles. A small corpus stays in memory; a large one
    waits, pickled, in a temporary file that passage workers read one article from at a time,
    so no process holds every article's text."""

    def __init__(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]) -> None:
        self.files, self.sources, self.parse_stamp = files, sources, parse_stamp
        self.infos: list[ArticleInfo] = []
        self.chars = 0
        self._kept: list[Article] = []
        self._spilled: list[tuple[int, int]] = []  # (offset, length) of each pickled article
        self._spill: Any = None

    def read_all(self, builder: Builder) -> None:
        """The first pass: every readable article, in order (warnings for the others); the builder
        learns what the corpus capitalizes."""
        size = sum(path.stat().st_size for path in self.files if path.is_file())
        workers = _workers(size)
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._spill = tempfile.TemporaryFile(prefix="crosscheck-articles-")  # noqa: SIM115 (closed at exit)
            global _READING
            _READING = self
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    for found in pool.imap(_read_in_worker, self.files, chunksize=4):
                        if found is not None:
                            self._add(builder, *found)
            finally:
                _READING = None
            return
        for path in self.files:
            article = self._read(path)
            if article is not None:
                self._kept.append(article)
                self._add(builder, _info(article), len(article.text), *capitalization(article), None)

    def _add(self, builder: Builder, info: ArticleInfo, chars: int, lowercase: Counter[str],
             capitalized: Counter[str], pickled: bytes | None) -> None:  # fmt: skip
        self.infos.append(info)
        self.chars += chars
        builder.add_capitalization(lowercase, capitalized)
        if pickled is not None:
            self._spilled.append((self._spill.tell(), len(pickled)))
            self._spill.write(pickled)

    def _read(self, path: Path) -> Article | None:
        return read_article(path, self.sources.get(path.stem), self.parse_stamp)

    def __len__(self) -> int:
        return len(self.infos)

    def __getitem__(self, n: int) -> Article:  # type: ignore[override]  # no slices needed
        if not self._spilled:
            return self._kept[n]
        offset, length = self._spilled[n]
        if n == 0:
            self._spill.flush()
        # pread: forked workers share the file's position, so none may seek it.
        return pickle.loads(os.pread(self._spill.fileno(), length, offset))


_READING: _Corpus | None = None


def _read_in_worker(path: Path) -> tuple[ArticleInfo, int, Counter[str], Counter[str], bytes] | None:
    """In a worker process: one article read, described, its capitalization counted, pickled."""
    assert _READING is not None, "only called in a worker forked by _Corpus.read_all"
    article = _READING._read(path)
    if article is None:
        return None
    pickled = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
    return _info(article), len(article.text), *capitalization(article), pickled


def _info(article: Article) -> ArticleInfo:
    return ArticleInfo(
        doc_id=article.doc_id, title=article.title, outlet=article.outlet, url=article.url,
        published=article.published.isoformat() if article.published else None,
    )  # fmt: skip


# Below this much text a build takes a second or two: not worth starting processes for.
PARALLEL_MIN_CHARS = 500_000


def _workers(chars: int) -> int:
    """How many processes build passages: one per core for a large corpus, else one."""
    return 1 if chars < PARALLEL_MIN_CHARS else os.cpu_count() or 1


class Assembly(Protocol):
    """Where build() gets its pipeline, its articles (with what the corpus capitalizes) and their
    passages before names are typed across the corpus: all from scratch (FullAssembly), or reusing
    what earlier builds made (index/incremental.py). Whichever it is, the index is the same."""

    def pipeline(self, model: str) -> tuple[Language, str]: ...

    def corpus(
        self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]
    ) -> _Corpus: ...

    def count_capitalization(self, builder: Builder, corpus: _Corpus) -> None: ...

    def passages(self, builder: Builder, corpus: _Corpus) -> None: ...

    def columns(
        self, builder: Builder, infos: list[ArticleInfo], options: BuildOptions, phases: dict[str, float]
    ) -> Columns: ...


@dataclass
class Columns:
    """What build() writes besides the metadata: the names typed, the postings, each article's
    passage count and the writer holding the passages' columns."""

    entities: list[Entity]
    postings: bm25.Postings
    per_article: dict[str, int]
    writer: Writer


class FullAssembly:
    """Every article read, counted and put through spaCy."""

    def pipeline(self, model: str) -> tuple[Language, str]:
        from index.nlp import load_pipeline

        return load_pipeline(model)

    def corpus(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]) -> _Corpus:
        return _Corpus(files, sources, parse_stamp)

    def count_capitalization(self, builder: Builder, corpus: _Corpus) -> None:
        corpus.read_all(builder)

    def passages(self, builder: Builder, corpus: _Corpus) -> None:
        workers = _workers(corpus.chars)
        if workers > 1:
            places.preload()  # before the fork: the workers share it instead of each loading it
        builder.add_articles(corpus, workers)

    def columns(
        self, builder: Builder, infos: list[ArticleInfo], options: BuildOptions, phases: dict[str, float]
    ) -> Columns:
        """Names typed across the corpus ("names"), then each article's passages settled, written
        and their search terms counted ("columns")."""
        started = time.perf_counter()
        entities, settled = builder.finish()
        phases["names"] = time.perf_counter() - started
        counts = bm25.Counts()
        writer = Writer({a.doc_id: n for n, a in enumerate(infos)})
        per_article: Counter[str] = Counter()
        for passages in settled:
            for p in passages:
                counts.add(search_terms(p["terms"], p["stops"]))
                per_article[p["doc_id"]] += 1
            writer.add(passages)
        postings = counts.postings(options.bm25_variant, options.bm25_k1, options.bm25_b, options.bm25_delta)
        phases["columns"] = time.perf_counter() - started - phases["names"]
        return Columns(entities, postings, per_article, writer)


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str], TermMaker]:
    """spaCy's English lemma and spelling tables (the words they change) and a TermMaker over them:
    the same for every build, read once per process (a tenth of a second of each incremental one)."""
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.util import load_language_data
    from spacy_lookups_data import en as english_tables

    # The raw tables, not spaCy's Table objects: those are keyed by string hashes.
    lemma_table: dict[str, str] = load_language_data(english_tables["lemma_lookup"])  # type: ignore[assignment]
    norm_table: dict[str, str] = load_language_data(english_tables["lexeme_norm"])  # type: ignore[assignment]
    # The whole lookup table (41k words): questions use words the articles never do ("died").
    lemmas = {w: lemma for w, lemma in lemma_table.items() if w != lemma}
    norms = {w: n for w, n in norm_table.items() if w != n}
    return lemmas, norms, TermMaker(lemmas, norms, frozenset(STOP_WORDS))


# Titles folded by earlier builds in this process: an article added folds only its own.
_folded = functools.lru_cache(maxsize=1 << 16)(fold)


def build(
    options: BuildOptions,
    files: list[Path] | None = None,
    stamp: str | None = None,
    quick: str | None = None,
    assembly: Assembly | None = None,
) -> Path:
    """Build the index for a corpus and write it; returns the index file's path.

    `assembly` (default FullAssembly) says where the pipeline, articles and passages come from.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    from index.normalize import parse_stamp

    started = time.perf_counter()
    phases: dict[str, float] = {}
    files = files if files is not None else article_files(options.corpus)
    stamp = stamp or fingerprint(options, files)
    sources = merged_sources(options.sources_file, options.corpus)
    assembly = assembly or FullAssembly()
    nlp, described = assembly.pipeline(options.spacy_model)
    log.info("spaCy: %s", described)
    lemmas, norms, term_maker = _tables()
    lexicon, exclusive = load_lexicon(options.lexicon_file)
    groups = {
        name: [[term_maker.term(t) for t in tokenize(phrase) if t.kind != "punct"] for phrase in words]
        for name, words in lexicon.items()
    }
    phases["setup"] = time.perf_counter() - started
    builder = Builder(nlp, term_maker, None)
    corpus = assembly.corpus(files, sources, parse_stamp)
    assembly.count_capitalization(builder, corpus)
    if not corpus.infos:
        raise CorpusError(
            f"None of the {len(files)} .txt files in {options.corpus} could be read as an article; "
            "see the warnings above for each file."
        )
    infos = corpus.infos
    reference = _reference_date(infos)
    builder.reference_date = reference
    undated = [a.doc_id for a in infos if not a.published]
    if undated:
        log.info(
            "%d article(s) state no publication date; their relative dates resolve against %s.",
            len(undated), reference or "nothing (they stay unresolved)",
        )  # fmt: skip
    phases["read"] = time.perf_counter() - started - sum(phases.values())
    assembly.passages(builder, corpus)
    phases["passages"] = time.perf_counter() - started - sum(phases.values())
    written = assembly.columns(builder, infos, options, phases)
    writer, per_article = written.writer, written.per_article
    meta = IndexMeta(
        fingerprint=stamp,
        stat_signature=quick or stat_signature(options, files),
        pipeline=described,
        corpus=str(options.corpus),
        built=time.strftime("%Y-%m-%dT%H:%M:%S"),
        bm25=Bm25Settings(
            variant=options.bm25_variant, k1=options.bm25_k1, b=options.bm25_b, delta=options.bm25_delta
        ),
        reference_date=reference.isoformat() if reference else None,
        articles=[a.model_copy(update={"passages": per_article.get(a.doc_id, 0)}) for a in infos],
        entities=[e.model_dump() for e in written.entities],
        lemmas=lemmas,
        norms=norms,
        stops=sorted(STOP_WORDS),
        groups=groups,
        exclusive=exclusive,
        folded_titles={a.doc_id: _folded(a.title) for a in infos},
    )
    writer.save(options.index_file, meta, written.postings)
    phases["save"] = time.perf_counter() - started - sum(phases.values())
    log.info(
        "Indexed %d passages from %d articles in %.1f s (%s) -> %s",
        writer.passages, len(infos), time.perf_counter() - started,
        ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()), options.index_file,
    )  # fmt: skip
    return options.index_file
