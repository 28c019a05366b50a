"""The index behind the Slack app: loaded in the background, kept current while the app runs, and
never brought down by one bad file or an index folder it cannot write."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.slack.listeners.common import SORRY
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import FakeSlack, SlackSender, get, message_text, serving, slack_settings
from tests.conftest import SEED_CORPUS

QUESTION = "how many were killed in Baghdad?"
SEEDS = sorted(SEED_CORPUS.glob("*.txt"))


def _corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in SEEDS[:n]:
        shutil.copy(seed, folder / seed.name)
    return folder


def _until(check: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def _health(url: str) -> dict[str, Any]:
    reply = get(url + "/healthz")
    return {"code": reply.status, **json.loads(reply.body)}


def _ask(url: str, slack: FakeSlack, sender: SlackSender | None = None) -> str:
    response_url = slack.response_url()
    (sender or SlackSender(url + "/slack/events")).command(QUESTION, response_url)
    posts = slack.wait_for(lambda: slack.hook_posts(response_url), timeout=60)
    assert posts, "expected an answer"
    return message_text(posts[0].body)


def test_warmup_an_article_added_or_deleted_while_running_is_indexed_without_a_restart(
    slack: FakeSlack, settings: Settings, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path, 2)
    live = slack_settings(
        settings, slack, corpus=corpus, index_dir=tmp_path / "index", corpus_check_seconds=0.2
    )
    with serving(create_app(live)) as url:
        assert _until(lambda: _health(url).get("articles") == 2), _health(url)
        shutil.copy(SEEDS[2], corpus / SEEDS[2].name)
        assert _until(lambda: _health(url).get("articles") == 3), f"expected 3 articles, got {_health(url)}"
        (corpus / SEEDS[0].name).unlink()
        assert _until(lambda: _health(url).get("articles") == 2), f"expected 2 articles, got {_health(url)}"
        assert SORRY not in _ask(url, slack)


def test_warmup_one_unreadable_article_leaves_the_others_answering(
    slack: FakeSlack, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a non-root user chmod 000 does this; as root (CI), opening the file is made to fail."""
    corpus = _corpus(tmp_path, 3)
    unreadable = corpus / SEEDS[1].name
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == unreadable.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    app = create_app(slack_settings(settings, slack, corpus=corpus, index_dir=tmp_path / "index"))
    with serving(app) as url:
        health = _until(lambda: _health(url)["code"] == 200 and _health(url))
        assert health and health["articles"] == 2, f"expected 200 with 2 articles, got {_health(url)}"
        assert SORRY not in _ask(url, slack)


@pytest.mark.parametrize("blocked", ["index path is a folder", "index folder is a file"])
def test_warmup_an_index_that_cannot_be_saved_is_kept_in_memory_and_reported_once(
    slack: FakeSlack, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture, blocked: str
) -> None:
    corpus = _corpus(tmp_path, 2)
    index_dir = tmp_path / "index"
    live = slack_settings(settings, slack, corpus=corpus, index_dir=index_dir)
    if blocked == "index folder is a file":
        index_dir.write_text("not a folder")
    else:
        index_dir.mkdir()
        from bot.core.engine import Engine

        Engine(live).options.index_file.mkdir()
    with caplog.at_level(logging.WARNING), serving(create_app(live)) as url:
        sender = SlackSender(url + "/slack/events")
        answers = [_ask(url, slack, sender) for _ in range(3)]
    assert all(SORRY not in a and "articles)" in a for a in answers), answers
    unsaved = [r.getMessage() for r in caplog.records if "cannot be saved" in r.getMessage()]
    assert len(unsaved) == 1, f"expected the unsaved index reported once, got {unsaved}"
