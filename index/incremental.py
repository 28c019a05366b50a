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
with its gathered name evidence, and which counts it read and which way they went.
On the next build only these go through spaCy: new or changed articles, articles
whose consulted counts now go the other way, and undated articles when the
latest date moved. The corpus's capitalization counts change by the counts of the
articles that came, went or changed.

The corpus-wide half is proportional to what changed, too. Names are typed across
the whole corpus again (from the articles' evidence, merged by blocks), but each
article keeps its passages settled and encoded as the index's columns, with entity
ids as marks for their name keys (filled in when the file is written: one new name
renumbers the entities after it), its search-term counts and the kinds of the names
it settled with; only articles one of whose names changed kind are settled again.
The string table, article numbers and BM25 postings (whose weights depend on the
corpus's size and average length) are joined from these arrays with numpy. Settling
reads an entity's kind only; were it to read more of an entity, `settled_kinds`
would have to record that too. The index is the one a full build makes
(tests/index/test_incremental.py compares them array by array).

The parts live in the memory of the process that built them (`rebuild` keeps one
assembly per index file): the first build in a process is a full one (in forked
workers for a large corpus, as a full build).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import pickle
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index import bm25
from index.articles import Article, SourceInfo
from index.bm25 import Postings
from index.build import (
    BuildOptions,
    Columns,
    FullAssembly,
    _Corpus,
    _info,
    _workers,
    build,
    fingerprint,
    stat_signature,
)  # fmt: skip
from index.entities import Entity, Evidence
from index.meta import ArticleInfo
from index.passages import Builder, _settle, capitalization, search_terms
from index.store import Encoded, Index, IndexFileError, Writer, encode

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


# What a name mention's entity id is while an article's passages are settled: the name key behind
# this mark, so the cached columns hold it instead of the id ("E12"), which the names of every
# article decide (one new name early in the corpus renumbers all that follow). The id replaces the
# mark when the columns are written. No text holds a NUL.
_MARK = "\x00entity:"


@dataclass
class _Terms:
    """One article's search-term counts, as bm25.Counts keeps them: the article's terms in order of
    first use (as numbers in the assembly's string universe), each passage's (term, frequency)
    pairs in a row, and each passage's length and number of distinct terms."""

    vocab: np.ndarray
    terms: np.ndarray
    tfs: np.ndarray
    lengths: np.ndarray
    distinct: np.ndarray


# Articles per block of merged name evidence, on average (see IncrementalAssembly._evidence).
EVIDENCE_BLOCK = 32
_versions = itertools.count()


@dataclass
class _Made:
    """An article through spaCy: its pickled passages and gathered name evidence, search-term counts
    (its terms as text, then _Terms' arrays) and the capitalization counts it read."""

    passages: bytes
    evidence: bytes
    terms: tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    read: set[str]


@dataclass
class _Part:
    """What one article contributed to the last build, and what it rested on."""

    article: Article
    info: ArticleInfo
    capitalized: Counter[str]
    lowercase: Counter[str]
    built: bool = False
    reference: date | None = None  # what its relative dates resolved against
    passages: bytes = b""  # pickled, as Builder keeps them for finish()
    # Its name occurrences gathered, pickled: read only when its block of evidence is merged again,
    # and a few hundred thousand fewer objects for each garbage collection to go through at 100k.
    evidence: bytes = b""
    consulted: dict[str, int] = field(default_factory=dict)  # word -> _sign of its counts then
    version: int = -1  # new with each build of it (see IncrementalAssembly._evidence)
    terms: _Terms | None = None
    # Its passages settled (names typed, places) and encoded, entity ids as marks; which kind
    # each name key it settled with had then (None: no entity); its strings in the universe.
    encoded: Encoded | None = None
    settled_kinds: dict[str, str | None] = field(default_factory=dict)
    strings: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))


class _Universe:
    """Every string the cached columns and terms use, numbered once for the assembly's life, so
    joining articles' tables is array work (a string of a removed article keeps its number)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.strings: list[str] = []

    def of(self, strings: list[str]) -> np.ndarray:
        ids, known = self.ids, self.strings
        found = []
        for text in strings:
            n = ids.get(text)
            if n is None:
                n = ids[text] = len(known)
                known.append(text)
            found.append(n)
        return np.array(found, dtype=np.int32)


def _first_use(numbers: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct numbers (< size) in order of first appearance, and each number's rank in that
    order (-1 for those absent): how a table numbered in order of first use numbers them."""
    first = np.full(size, len(numbers), dtype=np.int64)
    # Where each number first appears (ufunc.at: no sort of the millions of numbers, as np.unique does).
    np.minimum.at(first, numbers, np.arange(len(numbers), dtype=np.int64))
    present = np.flatnonzero(first < len(numbers))
    order = present[np.argsort(first[present])]
    rank = np.full(size, -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return order, rank


def _merge(total: Evidence, more: Evidence) -> None:
    """Add one article's gathered evidence to the corpus's, as adding its occurrences one by one
    after the earlier articles' would (votes are whole or half: their sums are exact in any order;
    copies keep the order kinds and spellings came in, which breaks ties when names are typed)."""
    first_text, votes, surfaces, types = total.first_text, total.votes, total.surfaces, total.types
    more_votes, more_surfaces, more_types = more.votes, more.surfaces, more.types
    for key, text in more.first_text.items():
        into = votes.get(key)
        if into is None:
            first_text[key] = text
            votes[key] = defaultdict(float, more_votes[key])
            surfaces[key] = spellings = Counter[str]()
            dict.update(spellings, more_surfaces[key])  # not Counter.update: its type checks cost more
            types[key] = set(more_types[key])
            continue
        for kind, weight in more_votes[key].items():
            into[kind] += weight
        spellings = surfaces[key]
        for spelling, n in more_surfaces[key].items():
            spellings[spelling] += n
        types[key] |= more_types[key]
    total.aliases.update(more.aliases)
    total.inside += more.inside


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

    def _current(self, path: Path) -> bool:
        kept = self.cache.get(path.name)
        try:
            stat = path.stat()
        except OSError:
            return False
        version = (stat.st_size, stat.st_mtime_ns, self.sources.get(path.stem))
        return kept is not None and (kept.size, kept.mtime_ns, kept.source) == version

    def read_new(self) -> dict[str, tuple[Counter[str], Counter[str]]]:
        """Read the files not in the cache (or changed) into it, in forked processes when there is
        much text (the first build in a process reads them all); returns the capitalization counts
        (lower case, capitalized) of the articles read there, by file name."""
        fresh = [path for path in self.files if not self._current(path)]
        counted: dict[str, tuple[Counter[str], Counter[str]]] = {}
        workers = _workers(sum(path.stat().st_size for path in fresh if path.is_file()))
        if workers <= 1 or len(fresh) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return counted
        global _READING
        _READING = self
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                read = pool.imap(_read_in_worker, fresh, chunksize=4)
                for path, (kept, counts) in zip(fresh, read, strict=True):
                    if kept is not None:
                        self.cache[path.name] = kept
                    if counts is not None:
                        counted[path.name] = counts
        finally:
            _READING = None
        return counted


# The corpus a forked worker inherits from _CachedCorpus.read_new.
_READING: _CachedCorpus | None = None


def _read_in_worker(path: Path) -> tuple[_Read | None, tuple[Counter[str], Counter[str]] | None]:
    """In a worker process: a file read as the cache keeps it, and its article's capitalization counts."""
    assert _READING is not None, "only called in a worker forked by _CachedCorpus.read_new"
    article = _READING._read(path)
    return _READING.cache.get(path.name), capitalization(article) if article is not None else None


class IncrementalAssembly:
    """The `assembly` for index/build.py that reuses unchanged articles' parts; see the module docstring."""

    def __init__(self) -> None:
        self.files: dict[str, _Read] = {}
        self.rebuilt: list[str] = []  # the doc_ids the last build put through spaCy
        self.resettled: list[str] = []  # the doc_ids whose passages the last build settled again
        self._pipeline: tuple[Language, str] | None = None
        self._model: str | None = None
        self._reset()

    def _reset(self) -> None:
        """Forget every part (another pipeline built them, or a build failed midway)."""
        self.parts: dict[str, _Part] = {}
        self._dates: dict[Any, Any] = {}  # the builder's memo of parsed dates, shared by every part
        # The corpus's capitalization counts, kept up to date by each article's counts in and out.
        self._lowercase: Counter[str] = Counter()
        self._capitalized: Counter[str] = Counter()
        self._flipped: set[str] = set()  # words whose counts went the other way since the last passages
        self._kinds: dict[str, str] = {}  # name key -> its entity's kind, every part settled with it
        self._blocks: dict[tuple[int, ...], Evidence] = {}  # parts' versions -> their merged evidence
        self._universe = _Universe()
        self._marks: dict[int, str] = {}  # universe number of a mark -> its name key

    def pipeline(self, model: str) -> tuple[Language, str]:
        if self._pipeline is None or self._model != model:
            self._pipeline, self._model = FullAssembly().pipeline(model), model
            self._reset()  # built with another pipeline: not reusable
        return self._pipeline

    def corpus(self, files: list[Path], sources: dict, parse_stamp: Callable[[str], date | None]) -> _Corpus:
        names = {p.name for p in files}
        for gone in [name for name in self.files if name not in names]:
            del self.files[gone]
        return _CachedCorpus(files, sources, parse_stamp, self.files)

    def count_capitalization(self, builder: Builder, corpus: _Corpus) -> None:
        """What _Corpus.read_all does, from each unchanged article's kept counts: the corpus's
        counts change by the counts of the articles that came, went or changed."""
        signs: dict[str, int] = {}  # the words whose counts change, with their sign before

        def count(part: _Part, by: int) -> None:
            for total, counts in ((self._lowercase, part.lowercase), (self._capitalized, part.capitalized)):
                for word, n in counts.items():
                    if word not in signs:
                        signs[word] = _sign(self._capitalized[word], self._lowercase[word])
                    left = total[word] + by * n
                    if left:
                        total[word] = left
                    else:
                        del total[word]

        counted = corpus.read_new() if isinstance(corpus, _CachedCorpus) else {}
        present: set[str] = set()
        for path in corpus.files:
            article = corpus._read(path)
            if article is None:
                continue
            present.add(article.doc_id)
            part = self.parts.get(article.doc_id)
            if part is None or part.article is not article:  # new, or its file changed
                if part is not None:
                    count(part, -1)
                lowercase, capitalized = counted.get(path.name) or capitalization(article)
                part = self.parts[article.doc_id] = _Part(article, _info(article), capitalized, lowercase)
                count(part, 1)
            corpus._kept.append(article)
            corpus.infos.append(part.info)
            corpus.chars += len(article.text)
        for doc_id in [d for d in self.parts if d not in present]:
            count(self.parts.pop(doc_id), -1)
        self._flipped |= {w for w, s in signs.items() if _sign(self._capitalized[w], self._lowercase[w]) != s}
        builder.lowercase, builder.capitalized_inside = self._lowercase, self._capitalized

    def passages(self, builder: Builder, corpus: _Corpus) -> None:
        """Articles new, changed or resting on counts that went the other way through spaCy (in
        forked processes when there is much text, as a full build does: the first build in a process
        builds every article); the corpus's name evidence gathered from every article's."""
        stale = [part for info in corpus.infos if self._stale(part := self.parts[info.doc_id], builder)]
        self.rebuilt = [part.info.doc_id for part in stale]
        workers = _workers(sum(len(part.article.text) for part in stale))
        if workers > 1 and len(stale) > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _BUILDING
            _BUILDING = (self, builder, stale)
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    made = pool.imap(_made_in_worker, range(len(stale)), chunksize=4)
                    for part, done in zip(stale, made, strict=True):
                        self._take(part, done, builder)
            finally:
                _BUILDING = None
        else:
            for part in stale:
                self._take(part, self._made(part, builder), builder)
        self._flipped = set()
        builder.evidence = self._evidence([self.parts[info.doc_id] for info in corpus.infos])

    def _evidence(self, parts: list[_Part]) -> Evidence:
        """The corpus's name evidence: its articles' merged in order, by blocks of articles kept from
        the last build when none of theirs changed (merging is associative). A block ends at an
        article whose id hashes to 0 modulo EVIDENCE_BLOCK, so an article in or out changes one."""
        blocks: list[Evidence] = []
        kept: dict[tuple[int, ...], Evidence] = {}
        block: list[_Part] = []
        for n, part in enumerate(parts):
            block.append(part)
            if zlib.crc32(part.info.doc_id.encode()) % EVIDENCE_BLOCK and n < len(parts) - 1:
                continue
            versions = tuple(p.version for p in block)
            merged = self._blocks.get(versions)
            if merged is None:
                merged = Evidence()
                for p in block:
                    _merge(merged, pickle.loads(p.evidence))
            kept[versions] = merged
            blocks.append(merged)
            block = []
        self._blocks = kept
        total = Evidence()
        for merged in blocks:
            _merge(total, merged)
        return total

    def _stale(self, part: _Part, builder: Builder) -> bool:
        if not part.built or (part.article.published is None and part.reference != builder.reference_date):
            return True
        return any(word in part.consulted for word in self._flipped)

    def _made(self, part: _Part, builder: Builder) -> _Made:
        """An article through spaCy with the corpus's counts: what a part keeps of it."""
        read: set[str] = set()
        watching = type(builder)(
            builder.nlp, builder.term_maker, builder.reference_date, dates=self._dates,
            capitalized_inside=_Watched(builder.capitalized_inside, read),
            lowercase=_Watched(builder.lowercase, read),
        )  # fmt: skip
        passages, occurrences = watching._article(part.article)
        evidence = Evidence()
        for occurrence in occurrences:
            evidence.add(occurrence)
        counts = bm25.Counts()
        for p in passages:
            counts.add(search_terms(p["terms"], p["stops"]))
        counts._flush()
        terms = (
            list(counts.ids), np.concatenate(counts._terms), np.concatenate(counts._tfs),
            np.array(counts._lengths, dtype=np.int32), np.array(counts._distinct, dtype=np.int32),
        )  # fmt: skip
        pickled = [pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL) for kept in (passages, evidence)]
        return _Made(pickled[0], pickled[1], terms, read)

    def _take(self, part: _Part, made: _Made, builder: Builder) -> None:
        part.passages, part.evidence, part.version = made.passages, made.evidence, next(_versions)
        vocab, *arrays = made.terms
        part.terms = _Terms(self._universe.of(vocab), *arrays)
        part.reference = part.article.published or builder.reference_date
        capitalized, lowercase = builder.capitalized_inside, builder.lowercase
        part.consulted = {w: _sign(capitalized[w], lowercase[w]) for w in made.read}
        part.encoded = None  # settled again by columns()
        part.built = True

    def columns(
        self, builder: Builder, infos: list[ArticleInfo], options: BuildOptions, phases: dict[str, float]
    ) -> Columns:
        """What FullAssembly.columns writes, from each article's kept columns and term counts: only
        articles built again, or whose names' kinds changed, are settled again; the string table,
        the article numbers and the postings are array work over the kept parts."""
        started = time.perf_counter()
        found, entity_of_key = builder.resolve()
        by_id = {e.id: e for e in found}
        kinds = {key: by_id[entity].kind for key, entity in entity_of_key.items()}
        phases["names"] = time.perf_counter() - started
        parts = [self.parts[info.doc_id] for info in infos]
        self.resettled = []
        changed = {key for key in kinds.keys() | self._kinds.keys() if kinds.get(key) != self._kinds.get(key)}
        self._kinds = {}  # until every part is settled with these kinds: a failed build settles all again
        for part in parts:
            if part.encoded is None or any(key in changed for key in part.settled_kinds):
                self._settle(part, entity_of_key, by_id, kinds)
                self.resettled.append(part.info.doc_id)
        self._kinds = kinds
        universe = self._universe
        universe.of(sorted(by_id))  # every entity id a mark may stand for
        instead = np.arange(len(universe.strings), dtype=np.int64)
        for number, key in self._marks.items():
            entity = entity_of_key.get(key)
            if entity is not None:  # (a key no longer named belongs to no kept part: see `changed`)
                instead[number] = universe.ids[entity]
        strings = instead[np.concatenate([part.strings for part in parts])]
        order, rank = _first_use(strings, len(universe.strings))
        writer = Writer({}, [universe.strings[n] for n in order.tolist()])
        remaps = np.split(rank[strings], np.cumsum([len(part.strings) for part in parts])[:-1])
        for n, (part, remap) in enumerate(zip(parts, remaps, strict=True)):
            assert part.encoded is not None
            writer.add_encoded(part.encoded, n, remap)
        postings = self._postings(parts, options)
        phases["columns"] = time.perf_counter() - started - phases["names"]
        per_article = {part.info.doc_id: part.encoded.passages for part in parts if part.encoded is not None}
        return Columns(found, postings, per_article, writer)

    def _settle(self, part: _Part, entity_of_key: dict[str, str], by_id: dict[str, Entity],
                kinds: dict[str, str]) -> None:  # fmt: skip
        """Settle an article's passages as Builder.finish does, with marks for entity ids, and
        keep them encoded with the kinds they were settled with."""
        passages = pickle.loads(part.passages)
        keys = {m["name_key"] for p in passages for m in p["mentions"] if m.get("name_key") is not None}
        marks = {key: _MARK + key for key in keys if key in entity_of_key}
        _settle(passages, marks, {mark: by_id[entity_of_key[key]] for key, mark in marks.items()})
        part.settled_kinds = {key: kinds.get(key) for key in keys}
        part.encoded = encode(passages)
        part.strings = self._universe.of(part.encoded.strings)
        for key, mark in marks.items():
            number = self._universe.ids.get(mark)
            if number is not None:
                self._marks[number] = key

    def _postings(self, parts: list[_Part], options: BuildOptions) -> Postings:
        """The postings bm25.Counts makes of every passage's search terms, from the kept counts."""
        terms = [part.terms for part in parts if part.terms is not None]
        vocab = np.concatenate([t.vocab for t in terms]).astype(np.int64)
        order, rank = _first_use(vocab, len(self._universe.strings))
        # Each article's term numbers point into its own vocabulary, which sits in `vocab` at an offset.
        starts = np.repeat(np.cumsum([0, *[len(t.vocab) for t in terms[:-1]]]), [len(t.terms) for t in terms])
        numbers = rank[vocab[np.concatenate([t.terms for t in terms]).astype(np.int64) + starts]]
        counts = bm25.Counts.of_arrays(
            [self._universe.strings[n] for n in order.tolist()], numbers,
            np.concatenate([t.tfs for t in terms]), np.concatenate([t.lengths for t in terms]),
            np.concatenate([t.distinct for t in terms]),
        )  # fmt: skip
        return counts.postings(options.bm25_variant, options.bm25_k1, options.bm25_b, options.bm25_delta)


# The assembly, builder and stale parts a forked worker inherits from IncrementalAssembly.passages.
_BUILDING: tuple[IncrementalAssembly, Builder, list[_Part]] | None = None


def _made_in_worker(n: int) -> _Made:
    """In a worker process: stale part n through spaCy."""
    assert _BUILDING is not None, "only called in a worker forked by IncrementalAssembly.passages"
    assembly, builder, stale = _BUILDING
    return assembly._made(stale[n], builder)


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
