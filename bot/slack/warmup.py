"""Loading the index in the background, so the Slack app answers Slack from its first second."""

from __future__ import annotations

import logging
import threading

from bot.core import Engine

log = logging.getLogger(__name__)


class IndexWarmup:
    """Loads (or builds) the index on a background thread at start-up; `ready` is set when done.

    Answers asked meanwhile wait for it (Engine.index holds a lock while loading)
    rather than fail. `error` says why loading failed, if it did.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ready = threading.Event()
        self.error: str | None = None
        self.articles = 0

    def start(self) -> IndexWarmup:
        threading.Thread(target=self._load, name="crosscheck-index", daemon=True).start()
        return self

    def _load(self) -> None:
        try:
            self.articles = len(self.engine.index.articles)
        except Exception as exc:
            self.error = str(exc)
            log.exception("Could not load the index; answers will try again")
            return
        log.info("Index ready: %d articles", self.articles)
        self.ready.set()
