"""Adding and removing coverage: a link or a file in, the article stored and indexed, what it changed out.

The command line and Slack both call `CoverageEditor.add` / `remove` / `articles`.
Each change is checked before anything is written (a page with no article, a
paywall stub, a PDF, a download too big or too slow, a duplicate, a page not in
English: `CoverageError` says which), then stored in the corpus folder
(bot/coverage/corpus.py) and indexed; when indexing fails, the folder is put back
as it was and the old index keeps answering. Who may change the coverage is the
front end's business (Slack checks CROSSCHECK_COVERAGE_EDITORS; the command line
runs on the server and always may).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from bot.core.digest import DigestConfig, DigestError
from bot.core.engine import Engine
from bot.coverage.changes import Change, changes, questions
from bot.coverage.corpus import CorpusFolder, CorpusWriteError, url_key
from bot.coverage.extract import Draft, ExtractError, Rules, from_bytes
from bot.coverage.fetch import FetchError, check_url, fetch
from index.articles import CorpusError, article_files
from index.meta import ArticleInfo

log = logging.getLogger(__name__)

ADDABLE_SUFFIXES = (".txt", ".html", ".htm")
CHANGES_SHOWN = 3  # in a reply; the counts come first (changes.questions orders them so)


class CoverageError(Exception):
    """A change to the coverage was refused or failed, and nothing changed; the message says why."""


class Outcome(BaseModel):
    """An article added or removed, the answers it changed, and how long indexing took."""

    action: str  # "added" or "removed"
    article: ArticleInfo
    changes: list[Change] = []
    articles: int = 0  # in the coverage after the change
    seconds: float = 0.0

    def describe(self, bold: tuple[str, str] = ("*", "*")) -> str:
        """ "Added *title* (outlet, date): 12 passages. It changes: killed in Mosul — now 3 answers"."""
        a = self.article
        about = ", ".join(x for x in (a.outlet, a.published) if x)
        head = f"{self.action.capitalize()} {bold[0]}{a.title}{bold[1]}" + (f" ({about})" if about else "")
        if self.action == "added":
            head += f": {a.passages} passage{'s' if a.passages != 1 else ''}, as {a.doc_id}."
        else:
            head += f" ({a.doc_id}); {self.articles} article{'s' if self.articles != 1 else ''} left."
        if self.changes:
            shown = "; ".join(c.describe() for c in self.changes[:CHANGES_SHOWN])
            more = len(self.changes) - CHANGES_SHOWN
            return head + " It changes: " + shown + (f"; and {more} more." if more > 0 else ".")
        return head + " No answer to the usual questions about its places changes."


class CoverageEditor:
    """Changes one engine's corpus folder and keeps the engine's index in step."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.folder = CorpusFolder(engine.corpus, self.settings.config_dir / "sources.toml")
        self.rebuilt: list[str] = []  # the articles the last change sent through spaCy

    def articles(self) -> list[ArticleInfo]:
        return list(self.engine.index.articles.values())

    def add(self, target: str) -> Outcome:
        """Add the article at a link (http/https) or in a file (.txt, .html)."""
        if "://" in target or target.lower().startswith("www."):
            return self.add_url(target if "://" in target else "https://" + target)
        path = Path(target).expanduser()
        if not path.is_file():
            raise CoverageError(f"{target} is neither a link (http://, https://) nor a file I can read.")
        if path.suffix.lower() not in ADDABLE_SUFFIXES:
            raise CoverageError(
                f"{path.name}: I add .txt and .html files (or links), not {path.suffix or 'this'}."
            )
        try:
            with path.open("rb") as handle:
                data = handle.read(self.settings.fetch_max_bytes + 1)
        except OSError as exc:
            raise CoverageError(f"{path} cannot be read ({exc.strerror or exc}).") from None
        return self.add_bytes(path.name, data)

    def add_url(self, url: str) -> Outcome:
        """Fetch a page and add its article."""
        try:
            url = check_url(url)
        except FetchError as exc:
            raise CoverageError(str(exc)) from None
        self._refuse_known_url(url)
        s = self.settings
        try:
            page = fetch(
                url,
                timeout=s.fetch_timeout_seconds,
                max_bytes=s.fetch_max_bytes,
                allow_private=s.fetch_allow_private,
            )
        except FetchError as exc:
            raise CoverageError(str(exc)) from None
        return self._add(self._draft(page.body, page.content_type, page.url, page.url))

    def add_bytes(self, name: str, data: bytes, url: str | None = None) -> Outcome:
        """Add the article in a file's bytes (an upload, a file on disk); `name` tells its kind."""
        if len(data) > self.settings.fetch_max_bytes:
            raise CoverageError(
                f"{name} is over {self.settings.fetch_max_bytes / 1e6:.0f} MB, far more than an article."
            )
        return self._add(self._draft(data, "", name, url))

    def remove(self, doc_id: str) -> Outcome:
        """Take an article out of the coverage (by its id, as `sources` lists it)."""
        doc_id = doc_id.strip().removesuffix(".txt")
        known = self._current_articles()
        if doc_id not in known or "/" in doc_id:
            raise CoverageError(f"There is no article {doc_id!r}; `sources` lists the ids.")
        if len(known) == 1:
            raise CoverageError(f"{doc_id} is the only article; the coverage cannot be left empty.")
        info = known[doc_id]
        before = self._pinned()
        asked = self._questions(before, doc_id) if before else []
        with self._locked():
            text, entry = self.folder.read(doc_id), self.folder.entry(doc_id)
            self.folder.delete(doc_id)
        started = time.perf_counter()
        try:
            self._apply()
        except Exception as exc:
            with self._locked():
                self.folder.restore(doc_id, text, entry)
            self._reapply()
            raise CoverageError(
                f"Removing {doc_id} failed while indexing ({exc}); it is back as it was."
            ) from exc
        seconds = time.perf_counter() - started
        after = self.engine
        found = changes(before, after, asked, doc_id) if before else []
        return Outcome(action="removed", article=info, changes=found, articles=self._count(), seconds=seconds)

    # --- the steps ------------------------------------------------------------------------------

    def _draft(self, data: bytes, content_type: str, name: str, url: str | None) -> Draft:
        try:
            rules = Rules.load(self.settings.config_dir / "coverage.toml")
            return from_bytes(data, content_type, name, url, rules)
        except ExtractError as exc:
            raise CoverageError(str(exc)) from None

    def _add(self, draft: Draft) -> Outcome:
        self.folder.folder.mkdir(parents=True, exist_ok=True)
        before = self._pinned()
        with self._locked():
            duplicate = self.folder.duplicate_of(draft)
            if duplicate:
                doc_id, how = duplicate
                raise CoverageError(
                    f"That article is already in the coverage as {doc_id} (same {how}); nothing changed."
                )
            doc_id = self.folder.new_id(draft)
            self.folder.write(doc_id, draft)
        started = time.perf_counter()
        try:
            self._apply()
            info = self.engine.index.articles.get(doc_id)
            if info is None or not info.passages:
                raise CoverageError(f"{draft.title[:100]} gave no passages to index; nothing changed.")
        except Exception as exc:
            with self._locked():
                self.folder.delete(doc_id)
            self._reapply()
            if isinstance(exc, CoverageError):
                raise
            log.exception("Indexing the added article %s failed", doc_id)
            raise CoverageError(f"Indexing {draft.title[:100]} failed ({exc}); nothing changed.") from exc
        seconds = time.perf_counter() - started
        found = changes(before, self.engine, self._questions(self.engine, doc_id), doc_id)
        return Outcome(action="added", article=info, changes=found, articles=self._count(), seconds=seconds)

    def _apply(self) -> None:
        """Bring the engine's index in step with the folder: rebuilt reusing every unchanged
        article's passages (index/incremental.py), then swapped in (questions in flight finish
        on the old one)."""
        from index.incremental import rebuild
        from index.store import IndexNotSaved

        with contextlib.suppress(IndexNotSaved):  # a read-only index folder: refresh keeps it in memory
            self.rebuilt = rebuild(self.engine.options, article_files(self.engine.corpus))
        self.engine.refresh()

    def _reapply(self) -> None:
        try:
            self._apply()
        except Exception:
            log.exception("Re-indexing the corpus after an undone change failed")

    def _refuse_known_url(self, url: str) -> None:
        wanted = url_key(url)
        for info in self._current_articles().values():
            if info.url and url_key(info.url) == wanted:
                raise CoverageError(
                    f"That link is already in the coverage as {info.doc_id}; nothing changed."
                )

    def _current_articles(self) -> dict[str, ArticleInfo]:
        try:
            self._apply()  # another process may have changed the folder since
            return dict(self.engine.index.articles)
        except CorpusError:
            return {}

    def _pinned(self) -> Engine | None:
        try:
            return self.engine.pinned()
        except CorpusError:  # an empty folder: no coverage before
            return None

    def _questions(self, engine: Engine, doc_id: str) -> list[tuple[str, str]]:
        try:
            config = DigestConfig.load(self.settings.config_dir / "digest.toml")
        except DigestError as exc:
            log.warning("Not saying what the change does to answers: %s", exc)
            return []
        return questions(engine.index, doc_id, config)

    def _count(self) -> int:
        try:
            return len(self.engine.index.articles)
        except CorpusError:
            return 0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The folder's lock; a folder that cannot be written to is a CoverageError."""
        try:
            with self.folder.locked():
                yield
        except CorpusWriteError as exc:
            raise CoverageError(str(exc)) from None
