"""Rebuilding the index after an article is added, changed or removed, without spaCy over the rest.

A build (index/build.py) reads every article, counts what the corpus capitalizes,
puts each article through spaCy into passages and name occurrences, then types the
names across the whole corpus and writes the postings and columns. The spaCy step
is most of the time, and each article's result depends on the rest of the corpus
only through the capitalization counts (is a capitalized sentence-initial word a
name?) and, for an article that states no date, the corpus's latest publication date.

`IncrementalAssembly` keeps, for each article: the cleaned article (keyed by its
file's size, time and sidecar entry, so an unchanged file is not read again), the
capitalization counts it adds, its passages as the builder keeps them (pickled)
with its name occurrences, and which counts it read and which way they went. On
the next build only these go through spaCy: new or changed articles, articles
whose consulted counts now go the other way, and undated articles when the
latest date moved. Everything after that (typing names, places, BM25 postings
and statistics, the file) runs over the whole corpus exactly as in a full build,
so the index is the same one (tests/index/test_incremental.py compares them).

The parts live in the memory of the process that built them (`rebuild` keeps one
assembly per index file): the first build in a process is a full one.
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.articles import Article, SourceInfo
from index.build import BuildOptions, FullAssembly, _Corpus, _info, build, fingerprint, stat_signature
from index.entities import Occurrence
from index.passages import Builder, capitalization
from index.store import Index, IndexFileError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


def _sign(capitalized: int, lowercase: int) -> int:
    """All the builder's decisions read from a word's two counts: which one is larger."""
    return (capitalized > lowercase) - (capitalized < lowercase)


class _Watched(Counter):
    """The corpus's counts, read through `[]` (all building passages does), remembering which
    words were read. Holds no counts itself: nothing is copied."""

    def __init__(self, counts: Counter[str], read: set[str]) -> None:
        super().__init__()
        self.counts, self.read = counts, read

    def __getitem__(self, key: str) -> int:
        self.read.add(key)
        return self.counts[key]


@dataclass
class _Part:
    """What one article contributed to the last build, and what it rested on."""

    article: Article
    capitalized: Counter[str]
    lowercase: Counter[str]
    built: bool = False
    reference: date | None = None  # what its relative dates resolved against
    passages: bytes = b""  # pickled, as Builder keeps them for finish()
    occurrences: list[Occurrence] = field(default_factory=list)
    consulted: dict[str, int] = field(default_factory=dict)  # word -> _sign of its counts then


@dataclass
class _Read:
    """A file as last read: what identifies its version, and the article read from it."""

    size: int
    mtime_ns: int
    source: SourceInfo | None
    article: Article | None


class _CachedCorpus(_Corpus):
    """The corpus, with files unchanged since the last build taken from the cache, not read again."""

    def __init__(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None],
                 cache: dict[str, _Read]) -> None:  # fmt: skip
        super().__init__(files, sources, parse_stamp)
        self.cache = cache

    def _read(self, path: Path) -> Article | None:
        source = self.sources.get(path.stem)
        try:
            stat = path.stat()
        except OSError:
            return super()._read(path)  # it says why, as a full build does
        kept = self.cache.get(path.name)
        if kept and (kept.size, kept.mtime_ns, kept.source) == (stat.st_size, stat.st_mtime_ns, source):
            return kept.article
        article = super()._read(path)
        self.cache[path.name] = _Read(stat.st_size, stat.st_mtime_ns, source, article)
        return article


class IncrementalAssembly:
    """The `assembly` for index/build.py that reuses unchanged articles' parts; see the module docstring."""

    def __init__(self) -> None:
        self.parts: dict[str, _Part] = {}
        self.files: dict[str, _Read] = {}
        self.rebuilt: list[str] = []  # the doc_ids the last build put through spaCy
        self._pipeline: tuple[Language, str] | None = None
        self._model: str | None = None
        self._dates: dict[Any, Any] = {}  # the builder's memo of parsed dates, shared by every part

    def pipeline(self, model: str) -> tuple[Language, str]:
        if self._pipeline is None or self._model != model:
            self._pipeline, self._model = FullAssembly().pipeline(model), model
            self.parts.clear()  # built with another pipeline: not reusable
        return self._pipeline

    def corpus(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]) -> _Corpus:
        names = {p.name for p in files}
        for gone in [name for name in self.files if name not in names]:
            del self.files[gone]
        return _CachedCorpus(files, sources, parse_stamp, self.files)

    def count_capitalization(self, builder: Builder, corpus: _Corpus) -> None:
        """What _Corpus.read_all does (serially), with each unchanged article's counts reused."""
        present: set[str] = set()
        for path in corpus.files:
            article = corpus._read(path)
            if article is None:
                continue
            present.add(article.doc_id)
            part = self.parts.get(article.doc_id)
            if part is None or part.article is not article:  # new, or its file changed
                lowercase, capitalized = capitalization(article)
                part = self.parts[article.doc_id] = _Part(article, capitalized, lowercase)
            corpus._kept.append(article)
            corpus._add(builder, _info(article), len(article.text), part.lowercase, part.capitalized, None)
        for doc_id in [d for d in self.parts if d not in present]:
            del self.parts[doc_id]

    def passages(self, builder: Builder, corpus: _Corpus) -> None:
        if builder._kept is None:
            builder._kept = tempfile.TemporaryFile(prefix="crosscheck-passages-")  # noqa: SIM115 (finish closes it)
        self.rebuilt = []
        for n in range(len(corpus)):
            part = self.parts[corpus.infos[n].doc_id]
            if self._stale(part, builder):
                self._build(part, builder)
                self.rebuilt.append(part.article.doc_id)
            # What Builder._keep does with a fresh article's passages, from the kept copy.
            for occurrence in part.occurrences:
                builder.evidence.add(occurrence)
            builder._kept.write(part.passages)
            builder.articles_kept += 1

    def _stale(self, part: _Part, builder: Builder) -> bool:
        if not part.built or (part.article.published is None and part.reference != builder.reference_date):
            return True
        capitalized, lowercase = builder.capitalized_inside, builder.lowercase
        return any(_sign(capitalized[w], lowercase[w]) != s for w, s in part.consulted.items())

    def _build(self, part: _Part, builder: Builder) -> None:
        read: set[str] = set()
        watching = type(builder)(
            builder.nlp, builder.term_maker, builder.reference_date, dates=self._dates,
            capitalized_inside=_Watched(builder.capitalized_inside, read),
            lowercase=_Watched(builder.lowercase, read),
        )  # fmt: skip
        passages, part.occurrences = watching._article(part.article)
        part.passages = pickle.dumps(passages, protocol=pickle.HIGHEST_PROTOCOL)
        part.reference = part.article.published or builder.reference_date
        capitalized, lowercase = builder.capitalized_inside, builder.lowercase
        part.consulted = {w: _sign(capitalized[w], lowercase[w]) for w in read}
        part.built = True


_assemblies: dict[Path, IncrementalAssembly] = {}
_lock = threading.Lock()


def rebuild(options: BuildOptions, files: list[Path]) -> list[str]:
    """Rebuild a corpus's index file, reusing what this process built for it before; returns
    the doc_ids that went through spaCy. Nothing is done when the file is current and this
    process built it.

    Raises CorpusError (no readable article) and IndexNotSaved (the file cannot be written)
    as index/build.py does.
    """
    with _lock:
        quick = stat_signature(options, files)
        if options.index_file in _assemblies:
            try:
                if Index(options.index_file).meta.stat_signature == quick:
                    return []
            except IndexFileError:
                pass
        assembly = _assemblies.setdefault(options.index_file, IncrementalAssembly())
        build(options, files, fingerprint(options, files), quick, assembly)
        return assembly.rebuilt
