"""Loading the index in the background, so the Slack app answers Slack from its first second, and
keeping it current while the app runs."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable

from bot.core import Engine

log = logging.getLogger(__name__)

# Who wants to hear that an engine's index was rebuilt (App Home republishes); keyed by the
# engine both sides share, so the listeners need no handle on the warmup that runs it.
_on_change: weakref.WeakKeyDictionary[Engine, list[Callable[[], None]]] = weakref.WeakKeyDictionary()
_on_change_lock = threading.Lock()


def on_index_change(engine: Engine, callback: Callable[[], None]) -> None:
    """Call `callback` (on the warmup's thread: keep it short) each time the engine's index is
    rebuilt because the corpus changed."""
    with _on_change_lock:
        _on_change.setdefault(engine, []).append(callback)


def index_changed(engine: Engine) -> None:
    """Tell everyone registered with `on_index_change` that the engine's index was rebuilt;
    a callback's failure is logged and the others still run."""
    with _on_change_lock:
        callbacks = list(_on_change.get(engine, []))
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("A listener for index changes failed")


class IndexWarmup:
    """Loads (or builds) the index on a background thread at start-up; `ready` is set when done.

    Answers asked meanwhile wait for it (Engine.index holds a lock while loading)
    rather than fail. `error` says why loading failed, if it did; loading is tried
    again every `check_seconds`. Once loaded, the corpus is checked as often
    (names, sizes and times: cheap) and the index rebuilt when an article was
    added, changed or deleted, while answers go on from the old one. 0 turns
    the checks and retries off.
    """

    def __init__(self, engine: Engine, check_seconds: float = 0) -> None:
        self.engine, self.check_seconds = engine, check_seconds
        self.ready = threading.Event()
        self.stopped = threading.Event()
        self.error: str | None = None
        self.articles = 0

    def start(self) -> IndexWarmup:
        threading.Thread(target=self._run, name="crosscheck-index", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.is_set():
            if self.ready.is_set():
                self._refresh()
            else:
                self._load()
            if not self.check_seconds or self.stopped.wait(self.check_seconds):
                return

    def _load(self) -> None:
        try:
            self.articles = len(self.engine.index.articles)
        except Exception as exc:
            if str(exc) != self.error:
                log.exception("Could not load the index; answers will try again")
            self.error = str(exc)
            return
        log.info("Index ready: %d articles", self.articles)
        self.error = None
        self.ready.set()

    def _refresh(self) -> None:
        try:
            changed = self.engine.refresh()
            self.articles = len(self.engine.index.articles)
        except Exception as exc:  # the old index keeps answering
            if str(exc) != self.error:
                log.warning(
                    "The corpus changed but could not be indexed (%s); answering from the old index", exc
                )
            self.error = str(exc)
            return
        self.error = None
        if changed:
            log.info("The corpus changed: the index was rebuilt (%d articles)", self.articles)
            index_changed(self.engine)
