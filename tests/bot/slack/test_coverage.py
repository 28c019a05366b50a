"""Changing the coverage from Slack, driven as Slack drives the app: `/crosscheck add URL`, `remove ID`,
`@Crosscheck add <link>`, a file shared in a DM; editors only (CROSSCHECK_COVERAGE_EDITORS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.slack.listeners.coverage import links, wants_add
from bot.slack.web import create_app
from tests.bot.coverage.conftest import coverage_settings, folder_state
from tests.bot.slack.fake_slack import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    SlackSender,
    message_text,
    serving,
)
from tests.page_server import TEXT_ARTICLE, PageServer, serving_pages

EDITOR = "U0000001"  # the sender's default user
OUTSIDER = "U0000777"


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    with serving_pages() as server:
        yield server


@pytest.fixture
def editable(tmp_path: Path, slack: FakeSlack) -> Iterator[tuple[SlackSender, Engine]]:
    """The app over its own seed copy, with the default test user as the only coverage editor."""
    settings = coverage_settings(
        tmp_path,
        coverage_editors=[EDITOR],
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url,
    )
    engine = Engine(settings)
    assert engine.index.articles  # built before the requests, as the web process warm-up does
    with serving(create_app(settings, engine)) as url:
        yield SlackSender(url + "/slack/events"), engine


def hook_text(slack: FakeSlack, url: str, count: int = 1) -> str:
    posts = slack.wait_for(lambda: slack.hook_posts(url), count=count, timeout=60)
    assert len(posts) >= count, f"expected {count} replies on the response_url, got {len(posts)}"
    return "\n".join(message_text(p.body) for p in posts)


def test_slash_add_then_sources_then_remove(
    editable: tuple[SlackSender, Engine], slack: FakeSlack, pages: PageServer
) -> None:
    sender, engine = editable
    url = slack.response_url()
    assert sender.command(f"add {pages.url('/pages/usnewsmag_followup.html')}", url).status == 200
    shown = hook_text(slack, url)
    assert "Added *Baghdad Strike Toll Rises to Five, Officials Say* (USNewsMag.com, 2024-02-09)" in shown, (
        shown
    )
    assert "killed in Baghdad — now 3 answers (new: 5 per USNewsMag.com)" in shown, shown
    doc_id = next(d for d, a in engine.index.articles.items() if a.outlet == "USNewsMag.com" and a.url)
    listing = slack.response_url()
    sender.command("sources", listing)
    assert f"`{doc_id}`" in hook_text(slack, listing), "expected `sources` to list the added article's id"
    removing = slack.response_url()
    sender.command(f"remove {doc_id}", removing)
    assert "Removed *Baghdad Strike Toll Rises to Five, Officials Say*" in hook_text(slack, removing)
    assert doc_id not in engine.index.articles, "expected the article gone from the index"


def test_mention_with_a_link_and_add_adds_it_in_the_thread(
    editable: tuple[SlackSender, Engine], slack: FakeSlack, pages: PageServer
) -> None:
    sender, engine = editable
    link = pages.url("/pages/asianet_followup.html")
    sender.mention(f"<@{BOT_USER_ID}> please add <{link}|asianet story>", ts="1700000009.000100")
    posts = slack.wait_for(lambda: slack.posts(), timeout=60)
    assert posts and posts[0].body["thread_ts"] == "1700000009.000100", "expected the reply in the thread"
    assert "Added *Iraq summons US envoy" in message_text(posts[0].body), message_text(posts[0].body)
    assert any(a.url == link for a in engine.index.articles.values()), "expected the article indexed"


def test_file_shared_in_a_dm_is_added(editable: tuple[SlackSender, Engine], slack: FakeSlack) -> None:
    sender, engine = editable
    slack.add_file("F0000001", "militia.txt", TEXT_ARTICLE.encode())
    sender.event({"type": "file_shared", "file_id": "F0000001", "user_id": EDITOR, "channel_id": "D0000001"})
    posts = slack.wait_for(lambda: slack.posts(), timeout=60)
    assert posts, "expected a reply in the DM"
    assert "Added *Militia vows revenge after Baghdad strike*" in message_text(posts[0].body)
    downloads = slack.attempts("/files/F0000001/militia.txt")
    assert downloads and downloads[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert "6" in [c.value for c in engine.answer("how many were killed in Baghdad?").answers]


def test_outsiders_are_refused_and_nothing_is_fetched(
    editable: tuple[SlackSender, Engine], slack: FakeSlack, pages: PageServer
) -> None:
    sender, engine = editable
    before, seen = folder_state(engine.corpus), len(pages.hits)
    url = slack.response_url()
    body = sender.command_body(f"add {pages.url('/pages/usnewsmag_followup.html')}", url)
    sender.post(body.replace(f"user_id={EDITOR}", f"user_id={OUTSIDER}"), "application/x-www-form-urlencoded")
    assert "only the people and channels set up to edit the coverage" in hook_text(slack, url)
    removing = slack.response_url()
    body = sender.command_body("remove 000_ea547c8e259735c0", removing)
    sender.post(body.replace(f"user_id={EDITOR}", f"user_id={OUTSIDER}"), "application/x-www-form-urlencoded")
    assert "only the people and channels" in hook_text(slack, removing)
    sender.mention(f"<@{BOT_USER_ID}> add <{pages.url('/pages/usnewsmag_followup.html')}>", user=OUTSIDER)
    posts = slack.wait_for(lambda: slack.posts(), timeout=30)
    assert posts and "only the people and channels" in message_text(posts[0].body)
    assert pages.hits[seen:] == [] and folder_state(engine.corpus) == before, (
        "expected nothing fetched or changed"
    )


def test_bad_link_gets_a_clear_reply(
    editable: tuple[SlackSender, Engine], slack: FakeSlack, pages: PageServer
) -> None:
    sender, engine = editable
    before = folder_state(engine.corpus)
    url = slack.response_url()
    sender.command(f"add {pages.url('/pages/paywall.html')}", url)
    assert "looks like a paywall" in hook_text(slack, url)
    assert folder_state(engine.corpus) == before


def test_default_settings_let_nobody_in_slack_change_the_coverage(
    sender: SlackSender, slack: FakeSlack, settings: object
) -> None:
    url = slack.response_url()
    sender.command("add https://example.com/news/a", url)
    assert "only the people and channels" in hook_text(slack, url)


@pytest.mark.parametrize(
    ("text", "expected_links", "adds"),
    [
        ("<@U1> add <https://a.example/x?a=1&amp;b=2|a.example/x>", ["https://a.example/x?a=1&b=2"], True),
        ("add https://a.example/x https://b.example/y", ["https://a.example/x", "https://b.example/y"], True),
        ("how many were killed? see <https://a.example/add>", ["https://a.example/add"], False),
        ("add the numbers please", [], False),
    ],
)
def test_links_and_add_requests_are_read_from_slack_markup(
    text: str, expected_links: list[str], adds: bool
) -> None:
    assert links(text) == expected_links, f"got {links(text)}"
    assert wants_add(text) is adds, f"expected wants_add={adds} for {text!r}"


def test_running_app_answers_with_an_article_another_process_added(tmp_path: Path, slack: FakeSlack) -> None:
    """`crosscheck add` in another process (as on the server's shell) while the web app runs: the
    app's periodic corpus check swaps the new index in, and questions are answered with it."""
    import os
    import subprocess
    import sys
    import time

    settings = coverage_settings(
        tmp_path, slack_bot_token=BOT_TOKEN, slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.base_url, corpus_check_seconds=0.3,
    )  # fmt: skip
    engine = Engine(settings)
    assert engine.index.articles
    article = tmp_path / "militia.txt"
    article.write_text(TEXT_ARTICLE, encoding="utf-8")
    with serving(create_app(settings, engine)) as url:
        sender = SlackSender(url + "/slack/events")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CROSSCHECK_", "SLACK_"))}
        env |= {"CROSSCHECK_CORPUS": str(settings.corpus), "CROSSCHECK_INDEX_DIR": str(settings.index_dir)}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "add", str(article)], env=env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
        assert done.returncode == 0, (
            f"expected the other process to add it, got {done.returncode}: {done.stderr}"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "6" not in [
            c.value for c in engine.answer("how many were killed in Baghdad?").answers
        ]:
            time.sleep(0.2)
        hook = slack.response_url()
        sender.command("how many were killed in Baghdad?", hook)
        assert "*6*" in hook_text(slack, hook), "expected the running app to answer with the added article"
