"""The corpus folder as a set of articles one can add to and take from, safely across processes.

An added article is two things in the folder: `<doc_id>.txt` (its text, title first)
and its entry in the folder's `sources.toml` (title, outlet, url, published), the
format config/sources.toml uses, read by index/articles.py. Both are written to a
temporary file and renamed into place, under a lock file, so a process reading
the folder meanwhile (a running bot re-checking it) sees the article whole or not
at all, and two processes adding at once do not lose each other's entries. The
entry is written before the text and removed after it, so no reader sees text
without its metadata.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

from bot.coverage.extract import Draft
from index.articles import CORPUS_SIDECAR, MAX_ARTICLE_BYTES, article_files, decode, load_sources

LOCK_FILE = ".crosscheck-coverage.lock"
_ID_RE = re.compile(r"(\d+)_")
_SIDECAR_HEADER = (
    "# Metadata of this folder's articles, keyed by doc_id (the file name without .txt), in the\n"
    "# format of config/sources.toml: outlet, title, url, published (YYYY-MM-DD). Written by\n"
    "# `crosscheck add` / `remove`; entries in config/sources.toml take precedence over these.\n"
)


class CorpusWriteError(Exception):
    """The corpus folder cannot be changed (read-only, full); the message says which and why."""


def text_key(text: str) -> str:
    """What makes two articles' texts the same: their words, case and spacing aside."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def url_key(url: str) -> str:
    """What makes two links the same article: scheme, `www.`, a trailing slash and the fragment aside."""
    url = url.strip().split("#", 1)[0]
    url = re.sub(r"^https?://(www\.)?", "", url, flags=re.I)
    host, _, rest = url.partition("/")
    return host.lower() + "/" + rest.rstrip("/")


class CorpusFolder:
    """One corpus folder's articles: their ids, duplicates, adding and removing."""

    def __init__(self, folder: Path, config_sidecar: Path | None = None) -> None:
        self.folder = folder
        self.sidecar = folder / CORPUS_SIDECAR
        self.config_sidecar = config_sidecar

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock (one writer at a time, across processes)."""
        try:
            handle = (self.folder / LOCK_FILE).open("a")
        except OSError as exc:
            raise CorpusWriteError(self._cannot(exc)) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ids(self) -> list[str]:
        return [p.stem for p in article_files(self.folder)]

    def duplicate_of(self, draft: Draft) -> tuple[str, str] | None:
        """(doc_id, "link" or "text") of an article already here with the same link or text, or None."""
        if draft.url:
            wanted = url_key(draft.url)
            for doc_id, info in self._sources().items():
                if info.url and url_key(info.url) == wanted and (self.folder / f"{doc_id}.txt").is_file():
                    return doc_id, "link"
        key = text_key(draft.text)
        for path in article_files(self.folder):
            if _file_text_key(path) == key:
                return path.stem, "text"
        return None

    def new_id(self, draft: Draft) -> str:
        """`NNN_<hash>`: the folder's next number and a hash of the text, as the seeds are named."""
        numbers = [int(m.group(1)) for p in self.folder.glob("*.txt") if (m := _ID_RE.match(p.name))]
        return f"{max(numbers, default=-1) + 1:03d}_{text_key(draft.text)[:16]}"

    def write(self, doc_id: str, draft: Draft) -> Path:
        """Store an article (call under `locked()`): its sidecar entry, then its text."""
        entry = {"title": draft.title, "outlet": draft.outlet, "url": draft.url, "published": draft.published}
        self._write_sidecar(doc_id, {k: v for k, v in entry.items() if v is not None})
        path = self.folder / f"{doc_id}.txt"
        try:
            _atomic_write(path, draft.text.encode("utf-8"))
        except OSError as exc:
            self._write_sidecar(doc_id, None)
            raise CorpusWriteError(self._cannot(exc)) from None
        return path

    def delete(self, doc_id: str) -> bool:
        """Take an article out (call under `locked()`): its text, then its sidecar entry. False if absent."""
        path = self.folder / f"{doc_id}.txt"
        if not path.is_file():
            return False
        try:
            path.unlink()
        except OSError as exc:
            raise CorpusWriteError(self._cannot(exc)) from None
        self._write_sidecar(doc_id, None)
        return True

    def read(self, doc_id: str) -> bytes:
        return (self.folder / f"{doc_id}.txt").read_bytes()

    def entry(self, doc_id: str) -> dict[str, object] | None:
        """The folder sidecar's raw entry of an article (to put back what a removal took)."""
        return self._raw_sidecar().get(doc_id)

    def restore(self, doc_id: str, text: bytes, entry: dict[str, object] | None) -> None:
        """Put back an article exactly as it was (undoing a change that could not be indexed)."""
        self._write_sidecar(doc_id, entry)
        _atomic_write(self.folder / f"{doc_id}.txt", text)

    def _sources(self):
        sources = load_sources(self.sidecar)
        if self.config_sidecar:
            sources |= load_sources(self.config_sidecar)
        return sources

    def _raw_sidecar(self) -> dict[str, dict[str, object]]:
        if not self.sidecar.is_file():
            return {}
        try:
            data = tomllib.loads(self.sidecar.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CorpusWriteError(
                f"{self.sidecar} cannot be read ({exc}); fix or remove it before adding or removing articles."
            ) from None
        return {k: v for k, v in data.items() if isinstance(v, dict)}

    def _write_sidecar(self, doc_id: str, entry: dict[str, object] | None) -> None:
        data = self._raw_sidecar()
        if entry is None:
            if doc_id not in data:
                return
            data.pop(doc_id)
        else:
            data[doc_id] = entry
        lines = [_SIDECAR_HEADER]
        for key in sorted(data):
            lines.append(f"\n[{json.dumps(key)}]\n")
            for field, value in data[key].items():
                # A JSON string is a valid TOML basic string; dates are TOML dates as they are.
                shown = value.isoformat() if hasattr(value, "isoformat") else json.dumps(str(value))
                lines.append(f"{field} = {shown}\n")
        try:
            _atomic_write(self.sidecar, "".join(lines).encode("utf-8"))
        except OSError as exc:
            raise CorpusWriteError(self._cannot(exc)) from None

    def _cannot(self, exc: OSError) -> str:
        return (
            f"The corpus folder {self.folder} cannot be changed ({exc.strerror or exc}); make it writable "
            "by the user running Crosscheck, or set CROSSCHECK_CORPUS to a folder that is."
        )


_text_keys: dict[tuple[str, int, int], str | None] = {}  # (path, size, mtime) -> text_key, per process


def _file_text_key(path: Path) -> str | None:
    """The text_key of a corpus file (None when unreadable), remembered while the file is unchanged:
    a duplicate check reads each article once per process, not once per add."""
    try:
        stat = path.stat()
    except OSError:
        return None
    version = (str(path), stat.st_size, stat.st_mtime_ns)
    if version not in _text_keys:
        try:
            with path.open("rb") as handle:
                text = decode(handle.read(MAX_ARTICLE_BYTES), path.name)
        except OSError:
            text = None
        _text_keys[version] = text_key(text) if text is not None else None
    return _text_keys[version]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
