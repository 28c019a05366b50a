"""App Home: the coverage (articles, outlets, dates) and where it disagrees, in each user's Home tab.

Published with views.publish when a user opens the Home tab (after a cheap check that the
corpus has not changed, Engine.refresh), and published again to the users who opened it
lately whenever the index is rebuilt: by the app's periodic corpus check (warmup.py's
on_index_change), or when an opening finds the index newer than what others were shown.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import views
from bot.slack.listeners.common import Replies, acknowledge
from bot.slack.warmup import on_index_change
from index.articles import CorpusError
from index.meta import ArticleInfo

log = logging.getLogger(__name__)

# Republishing is one views.publish per user (Slack allows about 100 a minute): only the users
# who opened Home most lately are kept; the others get a fresh view when they next open it.
HOME_VIEWERS = 100


class HomeViewers:
    """Users who opened the Home tab, most recent last, each with the index fingerprint shown."""

    def __init__(self, size: int = HOME_VIEWERS) -> None:
        self.size = size
        self._shown: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def shown(self, user: str, fingerprint: str) -> None:
        with self._lock:
            self._shown.pop(user, None)
            self._shown[user] = fingerprint
            while len(self._shown) > self.size:
                self._shown.popitem(last=False)

    def stale(self, fingerprint: str) -> list[str]:
        """The users last shown another index than `fingerprint`."""
        with self._lock:
            return [user for user, shown in self._shown.items() if shown != fingerprint]


def on_home_tab(event: dict[str, Any]) -> bool:
    """Listener matcher: the Home tab was opened (not the Messages tab)."""
    return event.get("tab") == "home" and bool(event.get("user"))


def register(app: App, replies: Replies) -> None:
    """The app_home_opened listener, and republishing when the index is rebuilt."""
    viewers = HomeViewers()
    republishing = threading.Lock()

    def fingerprint() -> str | None:
        try:
            return replies.engine.index.fingerprint
        except Exception:  # the index cannot be loaded: the view says so
            return None

    def publish(client: WebClient, user: str) -> None:
        """Build and publish one user's Home view; a failure is logged, never raised."""
        articles: list[ArticleInfo] = []
        try:
            articles = list(replies.engine.index.articles.values())
            found = replies.digest()
        except CorpusError as exc:  # says what to fix, for whoever runs Crosscheck
            log.warning("App Home without coverage: %s", exc)
            found = f"The coverage cannot be read: {exc}"
        except Exception:
            log.exception("Could not read the coverage for App Home")
            found = "The coverage cannot be read right now; it has been logged."
        view = views.home_view(articles, found, command=replies.settings.slash_command)
        try:
            client.views_publish(user_id=user, view=view)
        except SlackApiError as exc:
            log.warning("Slack refused the Home view for %s: %s", user, exc.response.get("error"))
            return
        except Exception:
            log.exception("Could not publish the Home view for %s", user)
            return
        shown = fingerprint()
        if shown:
            viewers.shown(user, shown)

    def republish_stale(client: WebClient, besides: str | None = None) -> None:
        """Publish again to every remembered user who was shown an older index."""
        current = fingerprint()
        if current is None or not republishing.acquire(blocking=False):
            return  # another thread is already bringing them up to date
        try:
            for user in viewers.stale(current):
                if user != besides:
                    publish(client, user)
        finally:
            republishing.release()

    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        """The Home tab opened: the coverage as it is now, to this user, then to others if it changed."""
        try:
            replies.engine.refresh()  # names, sizes and times only, unless the corpus changed
        except Exception as exc:  # the old index keeps answering, and the view shows it
            log.warning("The corpus could not be re-indexed for App Home (%s); showing the old index", exc)
        publish(client, event["user"])
        republish_stale(client, besides=event["user"])

    def coverage_changed() -> None:
        # On the warmup's thread: hand the publishing to a thread of its own.
        threading.Thread(
            target=republish_stale, args=(app.client,), name="crosscheck-home", daemon=True
        ).start()

    on_index_change(replies.engine, coverage_changed)
    app.event("app_home_opened", matchers=[on_home_tab])(ack=acknowledge, lazy=[home_opened])
    app.event("app_home_opened")(acknowledge)
