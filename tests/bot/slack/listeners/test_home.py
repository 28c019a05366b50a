"""App Home, driven as Slack drives it: signed app_home_opened events, the fake Slack recording
views.publish (and refusing views past slack_sdk's limits), and a corpus that changes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack import views
from bot.slack.listeners.home import HomeViewers
from bot.slack.web import create_app
from index.meta import ArticleInfo
from tests.bot.slack.fake_slack import FakeSlack, SlackSender, message_text, serving, slack_settings
from tests.bot.slack.test_blocks_digest import disagreement, made
from tests.conftest import SEED_CORPUS

NEW_ARTICLE = (
    "Militia says five died in Baghdad strike\n\n"
    "Five people were killed in Baghdad when the drone strike hit a car, a militia spokesman said.\n"
)


def opened(sender: SlackSender, user: str = "U0000001", tab: str = "home") -> None:
    event = {"type": "app_home_opened", "user": user, "channel": "D0000001", "tab": tab,
             "event_ts": "1700000000.000100"}  # fmt: skip
    reply = sender.event(event)
    assert reply.status == 200 and reply.seconds < 3, f"expected an ack within 3 s, got {reply}"


def published(slack: FakeSlack, count: int = 1) -> list[dict[str, Any]]:
    return [c.body for c in slack.wait_for(lambda: slack.posts("views.publish"), count=count)]


@contextmanager
def app_on_copy(
    slack: FakeSlack, settings: Settings, tmp_path: Path, **overrides: Any
) -> Iterator[tuple[SlackSender, Path]]:
    """The app over a copy of the seed corpus (which the test may change), its own index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    app_settings = slack_settings(settings, slack, corpus=corpus, index_dir=tmp_path / "index", **overrides)
    with serving(create_app(app_settings, Engine(app_settings))) as url:
        yield SlackSender(url + "/slack/events"), corpus


def test_opening_home_publishes_the_coverage_and_the_digest(sender: SlackSender, slack: FakeSlack) -> None:
    opened(sender, user="U0000042")
    calls = published(slack)
    assert len(calls) == 1, f"expected one views.publish, got {len(calls)}"
    assert calls[0]["user_id"] == "U0000042", f"expected the opener's Home, got {calls[0]['user_id']!r}"
    view = calls[0]["view"]
    assert view["type"] == "home"
    shown = message_text(view)
    coverage = "*Coverage:* 5 articles from 2 named outlets (3 with no outlet named), published 2024-02-08"
    for part in [coverage, "(4 undated)",
                 "Where the sources disagree", "Killed in Baghdad", "3 (3 articles) vs 1 (1 article)",
                 "Updated "]:  # fmt: skip
        assert part in shown, f"expected {part!r} in the Home view, got:\n{shown}"


def test_the_messages_tab_publishes_nothing(sender: SlackSender, slack: FakeSlack) -> None:
    opened(sender, tab="messages")
    slack.settle(0.5)
    assert not slack.posts("views.publish"), "expected no Home view for the Messages tab"


def test_opening_home_after_the_corpus_changed_shows_it_and_republishes_to_earlier_viewers(
    slack: FakeSlack, settings: Settings, tmp_path: Path
) -> None:
    with app_on_copy(slack, settings, tmp_path) as (sender, corpus):
        opened(sender, user="U0000001")
        assert "5 articles" in message_text(published(slack)[0]["view"])
        (corpus / "999_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        opened(sender, user="U0000002")
        calls = published(slack, count=3)
    got = [(c["user_id"], "6 articles" in message_text(c["view"])) for c in calls]
    assert sorted(got[1:]) == [("U0000001", True), ("U0000002", True)], (
        f"expected both users shown the 6 articles after the change, got {got}"
    )
    assert "Militia says five died in Baghdad strike" in message_text(calls[1]["view"])


def test_the_periodic_corpus_check_republishes_home_without_anyone_opening_it(
    slack: FakeSlack, settings: Settings, tmp_path: Path
) -> None:
    with app_on_copy(slack, settings, tmp_path, corpus_check_seconds=0.2) as (sender, corpus):
        opened(sender, user="U0000003")
        published(slack)
        (corpus / "999_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        calls = published(slack, count=2)
    assert len(calls) == 2, f"expected Home republished after the rebuild, got {len(calls)} publishes"
    assert calls[1]["user_id"] == "U0000003" and "6 articles" in message_text(calls[1]["view"]), (
        f"expected the viewer shown 6 articles, got {message_text(calls[1]['view'])[:300]}"
    )


def test_a_refused_publish_is_logged_and_the_next_opening_works(
    sender: SlackSender, slack: FakeSlack
) -> None:
    slack.fail("/api/views.publish", 400)
    opened(sender)
    slack.wait_for(lambda: slack.attempts("/api/views.publish"))
    opened(sender)
    assert len(published(slack)) == 1, "expected the second opening published"


def test_a_corpus_that_cannot_be_indexed_is_named_in_the_home_view(
    slack: FakeSlack, settings: Settings, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-corpus"
    empty.mkdir()
    app_settings = slack_settings(settings, slack, corpus=empty, index_dir=tmp_path / "index")
    with serving(create_app(app_settings, Engine(app_settings))) as url:
        opened(SlackSender(url + "/slack/events"))
        calls = published(slack)
    shown = message_text(calls[0]["view"])
    assert "The coverage cannot be read" in shown and "holds no .txt articles" in shown, f"got:\n{shown}"
    assert "*Coverage:* 0 articles" in shown, f"expected an empty coverage, got:\n{shown}"


def articles(n: int) -> list[ArticleInfo]:
    return [
        ArticleInfo(doc_id=f"{k:03d}", title=f"Headline {k} " * 8, outlet=f"Outlet {k % 7}",
                    published=f"2024-02-{k % 28 + 1:02d}", url=f"https://x.example/{k}")
        for k in range(n)
    ]  # fmt: skip


@pytest.mark.parametrize(("n_articles", "n_facts"), [(0, 0), (5, 3), (400, 300)])
def test_the_home_view_is_within_slacks_limits(n_articles: int, n_facts: int) -> None:
    found = made([disagreement(k, values=4, sources=5, sentence_words=60) for k in range(1, n_facts + 1)])
    view = views.home_view(articles(n_articles), found, now=datetime(2024, 2, 8, 9, 30, tzinfo=UTC))
    View(**view).to_dict()  # 100 blocks, 3,000 characters per text
    shown = message_text(view)
    assert f"{n_articles} article" in shown and "Updated 2024-02-08 09:30 UTC" in shown, shown[:400]
    if n_articles > views.HOME_ARTICLES_SHOWN:
        assert f"…and {n_articles - views.HOME_ARTICLES_SHOWN} more articles: `/crosscheck sources`" in shown
    if n_facts == 300:
        assert "more facts the articles differ on: `crosscheck disagreements`" in shown, shown[-400:]


def test_the_home_view_shows_why_the_digest_is_missing() -> None:
    view = views.home_view(articles(2), "The disagreement digest is not set up: <digest.toml> missing")
    View(**view).to_dict()
    assert "not set up: &lt;digest.toml&gt; missing" in message_text(view)


def test_home_viewers_are_bounded_and_know_who_saw_an_older_index() -> None:
    seen = HomeViewers(size=3)
    for user, shown in [("U1", "a"), ("U2", "a"), ("U3", "b"), ("U4", "b"), ("U1", "b")]:
        seen.shown(user, shown)
    assert seen.stale("b") == [], f"expected U2 dropped (oldest) and the rest current, got {seen.stale('b')}"
    assert seen.stale("c") == ["U3", "U4", "U1"], f"got {seen.stale('c')}"
