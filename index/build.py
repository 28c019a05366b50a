"""Building the index from a corpus folder, and reusing it while nothing has changed.

The index is rebuilt when its fingerprint changes: a hash of every article's
name and bytes, the metadata sidecar, the synonym lexicon, the spaCy model
setting, the BM25 parameters and the index code itself (so a new release never
answers from an index built by old rules).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from index import bm25
from index.articles import CORPUS_SIDECAR, Article, CorpusError, article_files, merged_sources, read_article
from index.lexicon import load_lexicon
from index.meta import ArticleInfo, Bm25Settings, IndexMeta
from index.store import FORMAT_VERSION, Index, IndexFileError, IndexNotSaved, Writer
from index.terms import TermMaker, fold, tokenize

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
    """A hash of everything the index is built from: settings and every input file's bytes."""
    digest = hashlib.sha256(fingerprint_settings(options).encode())
    for path in _inputs(options, files):
        digest.update(path.name.encode() + b"\0")
        try:  # in pieces: an article can be huge; unreadable, it is skipped (with a warning) by the build
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            digest.update(b"-")
    return digest.hexdigest()


def stat_signature(options: BuildOptions, files: list[Path]) -> str:
    """A cheap stand-in for the fingerprint: names, sizes and modification times only.

    When it matches the index's, no input changed and nothing needs reading; when it
    does not, the contents are hashed to decide (a file touched but not changed is fine).
    """
    digest = hashlib.sha256(fingerprint_settings(options).encode())
    for path in _inputs(options, files):
        stat = path.stat() if path.is_file() else None
        digest.update(f"{path}|{stat.st_size if stat else -1}|{stat.st_mtime_ns if stat else -1}\n".encode())
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
                    len(index), len(index.articles), index.meta.pipeline,
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
    """The readable articles of a corpus: read once for what the whole corpus says (capitalization,
    dates, titles), then again one at a time by whoever builds passages, so no process holds every
    article's text. A small corpus is kept in memory instead of read twice."""

    def __init__(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]) -> None:
        self.files, self.sources, self.parse_stamp = files, sources, parse_stamp
        self.paths: list[Path] = []
        self.infos: list[ArticleInfo] = []
        self.chars = 0
        self._kept: list[Article] | None = []

    def _read(self, path: Path) -> Article | None:
        return read_article(path, self.sources.get(path.stem), self.parse_stamp)

    def read_all(self) -> Iterator[Article]:
        """The first pass: every readable article, in order (warnings for the others)."""
        for path in self.files:
            article = self._read(path)
            if article is None:
                continue
            self.paths.append(path)
            self.infos.append(
                ArticleInfo(
                    doc_id=article.doc_id, title=article.title, outlet=article.outlet, url=article.url,
                    published=article.published.isoformat() if article.published else None,
                )
            )  # fmt: skip
            self.chars += len(article.text)
            if self._kept is not None:
                self._kept.append(article)
                if self.chars > PARALLEL_MIN_CHARS:
                    self._kept = None  # large: read again when needed
            yield article

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, n: int) -> Article:  # type: ignore[override]  # no slices needed
        if self._kept is not None:
            return self._kept[n]
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the first pass said what was wrong with the file
        try:
            article = self._read(self.paths[n])
        finally:
            logging.disable(previous)
        if article is None or article.doc_id != self.infos[n].doc_id:
            raise CorpusError(
                f"{self.paths[n]} changed or vanished while the index was being built; build again."
            )
        return article


# Below this much text a build takes a second or two: not worth starting processes for.
PARALLEL_MIN_CHARS = 500_000


def _workers(chars: int) -> int:
    """How many processes build passages: one per core for a large corpus, else one."""
    return 1 if chars < PARALLEL_MIN_CHARS else os.cpu_count() or 1


def build(
    options: BuildOptions, files: list[Path] | None = None, stamp: str | None = None, quick: str | None = None
) -> Path:
    """Build the index for a corpus and write it; returns the index file's path."""
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.util import load_language_data
    from spacy_lookups_data import en as english_tables

    from index.nlp import load_pipeline
    from index.normalize import parse_stamp
    from index.passages import Builder, search_terms

    started = time.perf_counter()
    phases: dict[str, float] = {}
    files = files if files is not None else article_files(options.corpus)
    stamp = stamp or fingerprint(options, files)
    sources = merged_sources(options.sources_file, options.corpus)
    nlp, described = load_pipeline(options.spacy_model)
    log.info("spaCy: %s", described)
    # The raw tables, not spaCy's Table objects: those are keyed by string hashes.
    lemma_table: dict[str, str] = load_language_data(english_tables["lemma_lookup"])  # type: ignore[assignment]
    norm_table: dict[str, str] = load_language_data(english_tables["lexeme_norm"])  # type: ignore[assignment]
    lexicon, exclusive = load_lexicon(options.lexicon_file)
    # The whole lookup table (41k words): questions use words the articles never do ("died").
    lemmas = {w: lemma for w, lemma in lemma_table.items() if w != lemma}
    norms = {w: n for w, n in norm_table.items() if w != n}
    term_maker = TermMaker(lemmas, norms, frozenset(STOP_WORDS))
    groups = {
        name: [[term_maker.term(t) for t in tokenize(phrase) if t.kind != "punct"] for phrase in words]
        for name, words in lexicon.items()
    }
    phases["setup"] = time.perf_counter() - started
    builder = Builder(nlp, term_maker, None)
    corpus = _Corpus(files, sources, parse_stamp)
    for article in corpus.read_all():  # the first pass: what the corpus capitalizes, and its dates
        builder.note_capitalization([article])
    if not corpus.paths:
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
    builder.add_articles(corpus, _workers(corpus.chars))
    phases["passages"] = time.perf_counter() - started - sum(phases.values())
    entities, settled = builder.finish()
    phases["names"] = time.perf_counter() - started - sum(phases.values())
    counts = bm25.Counts()
    writer = Writer({a.doc_id: n for n, a in enumerate(infos)})
    per_article: Counter[str] = Counter()
    for passages in settled:
        for p in passages:
            counts.add(search_terms(p["terms"], p["stops"]))
            per_article[p["doc_id"]] += 1
        writer.add(passages)
    postings = counts.postings(options.bm25_variant, options.bm25_k1, options.bm25_b, options.bm25_delta)
    phases["columns"] = time.perf_counter() - started - sum(phases.values())
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
        articles=[a.model_copy(update={"passages": per_article[a.doc_id]}) for a in infos],
        entities=[e.model_dump() for e in entities],
        lemmas=lemmas,
        norms=norms,
        stops=sorted(STOP_WORDS),
        groups=groups,
        exclusive=exclusive,
        folded_titles={a.doc_id: fold(a.title) for a in infos},
    )
    writer.save(options.index_file, meta, postings)
    phases["save"] = time.perf_counter() - started - sum(phases.values())
    log.info(
        "Indexed %d passages from %d articles in %.1f s (%s) -> %s",
        writer.passages, len(infos), time.perf_counter() - started,
        ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()), options.index_file,
    )  # fmt: skip
    return options.index_file
