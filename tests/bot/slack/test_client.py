"""Slack's back-pressure is bounded: a long Retry-After or a hung Slack holds an answering thread for
seconds at most, other answers go on, and the asker is told when an answer could not be delivered."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.slack import client
from bot.slack.client import LATE_NOTICE, RETRY_AFTER_MAX_SECONDS, deadline, retry_after, time_left
from tests.bot.slack.fake_slack import BOT_USER_ID, FakeSlack, SlackSender, message_text

QUESTION = "how many were killed in Baghdad?"


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _until(check: Callable[[], bool], seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while not check() and time.monotonic() < end:
        time.sleep(0.05)
    return check()


def _answered_within(slack: FakeSlack, url: str, seconds: float) -> float | None:
    started = time.monotonic()
    posts = slack.wait_for(lambda: slack.hook_posts(url), timeout=seconds)
    return time.monotonic() - started if posts else None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": ["20"]}, 20.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_client_retry_after_is_read_from_either_header_shape(headers: dict, expected: float | None) -> None:
    assert retry_after(headers) == expected, f"expected {expected} from {headers}"


def test_client_deadline_bounds_time_left_only_within_it() -> None:
    assert time_left() == float("inf"), "expected no deadline outside one"
    with deadline(5):
        assert 4 < time_left() <= 5, f"expected about 5 s left, got {time_left()}"


def test_client_a_long_retry_after_is_not_slept_on_and_other_answers_go_on(
    sender: SlackSender, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack says Retry-After: 20 to eight answers at once; a ninth must not wait behind them."""
    busy = [slack.response_url() for _ in range(8)]
    for url in busy:
        slack.fail(_path(url), 429, {"Retry-After": "20"}, times=3)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda url: sender.command(QUESTION, url), busy))
    time.sleep(0.5)  # the eight are on the answering pool now
    url = slack.response_url()
    sender.command(QUESTION, url)
    took = _answered_within(slack, url, 10)
    assert took is not None, "expected the ninth answer within 10 s, not after Slack's 20"
    gave_up = _until(lambda: len([r for r in caplog.records if "not waiting" in r.getMessage()]) >= 8)
    assert gave_up, "expected each of the eight to give up at once rather than sleep 20 s"


def test_client_an_answer_slack_would_not_take_is_followed_by_a_notice(
    sender: SlackSender, slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "LATE_NOTICE_SECONDS", 0.5)
    url = slack.response_url()
    slack.fail(_path(url), 429, {"Retry-After": str(RETRY_AFTER_MAX_SECONDS + 1)})
    sender.command(QUESTION, url)
    posts = slack.wait_for(lambda: slack.hook_posts(url), timeout=RETRY_AFTER_MAX_SECONDS + 15)
    assert posts and LATE_NOTICE in message_text(posts[0].body), f"expected the notice, got {posts}"
    assert posts[0].body["response_type"] == "ephemeral", posts[0].body


def test_client_a_mention_slack_would_not_take_is_followed_by_a_notice_in_its_thread(
    sender: SlackSender, slack: FakeSlack
) -> None:
    slack.fail("/api/chat.postMessage", 429, {"Retry-After": str(RETRY_AFTER_MAX_SECONDS + 1)})
    sender.mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0BUSY", ts="1700000000.000777")
    posts = slack.wait_for(lambda: slack.posts(), timeout=RETRY_AFTER_MAX_SECONDS + 15)
    assert posts and posts[0].body["text"] == LATE_NOTICE, (
        f"expected the notice, got {[p.body for p in posts]}"
    )
    assert (posts[0].body["channel"], posts[0].body["thread_ts"]) == ("C0BUSY", "1700000000.000777")


def test_client_a_hung_slack_holds_answers_for_seconds_not_for_as_long_as_it_hangs(
    sender: SlackSender, slack: FakeSlack
) -> None:
    hung = [slack.response_url() for _ in range(16)]
    for url in hung:
        slack.hang(_path(url), 30)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda url: sender.command(QUESTION, url), hung))
    time.sleep(0.5)
    url = slack.response_url()
    sender.command(QUESTION, url)
    took = _answered_within(slack, url, 12)
    assert took is not None, "expected an answer within 12 s while Slack hangs 30 s on sixteen others"
