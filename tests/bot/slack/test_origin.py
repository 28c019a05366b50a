"""Requests for another workspace or app, or carrying a response_url off Slack's hosts, are refused
(403) and nothing is sent; the same signed command or click sent again is answered once."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterator

import pytest

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.origin import answer_url_allowed
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import (
    API_APP_ID,
    BOT_USER_ID,
    TEAM_ID,
    FakeSlack,
    SlackSender,
    serving,
    slack_settings,
)

QUESTION = "how many were killed in Baghdad?"
API = "http://127.0.0.1:8123/api/"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://hooks.slack-gov.com/actions/T1/2/abc", True),
        ("https://hooks.slack.com:443/commands/T1/2/abc", True),
        ("http://127.0.0.1:8123/hooks/abc", True),  # SLACK_API_URL's host and port
        ("http://hooks.slack.com/commands/T1/2/abc", False),  # not https
        ("https://hooks.slack.com:8443/commands/x", False),
        ("https://hooks.slack.com.evil.example/commands/x", False),
        ("https://evil.example/?hooks.slack.com", False),
        ("https://user@hooks.slack.com/commands/x", False),
        ("http://127.0.0.1:8124/hooks/abc", False),  # another port on the same host
        ("http://127.0.0.1:99999999/hooks/abc", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_origin_answer_urls_are_slacks_hosts_or_the_api_base(url: str, allowed: bool) -> None:
    assert answer_url_allowed(url, API) is allowed, f"expected {url!r} allowed={allowed}"


@pytest.fixture
def outside() -> Iterator[FakeSlack]:
    """Another host on loopback, standing for anywhere a forged response_url could point."""
    fake = FakeSlack()
    yield fake
    fake.close()


def _foreign(body: str) -> str:
    """The same request, from another workspace (the team id appears verbatim in every kind)."""
    assert TEAM_ID in body
    return body.replace(TEAM_ID, "T9999999")


def _click_body(sender: SlackSender, url: str) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": "U0000002", "team_id": TEAM_ID},
        "api_app_id": API_APP_ID,
        "trigger_id": "42.trigger",
        "container": {"type": "message", "message_ts": "1700000000.000100", "is_ephemeral": True},
        "channel": {"id": "C0000001"},
        "response_url": url,
        "actions": [
            {"type": "button", "action_id": blocks.SHARE_ACTION, "value": QUESTION, "action_ts": "1"}
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize("kind", ["command", "click"])
def test_origin_a_response_url_off_slacks_hosts_is_refused_and_never_called(
    sender: SlackSender, slack: FakeSlack, outside: FakeSlack, kind: str
) -> None:
    url = outside.response_url()
    body = sender.command_body(QUESTION, url) if kind == "command" else _click_body(sender, url)
    reply = sender.post(body, FORM)
    assert reply.status == 403, f"expected 403, got {reply.status}"
    outside.settle(1)
    assert not outside.calls, f"expected no call to the outside host, got {[c.path for c in outside.calls]}"


def _mention_body(sender: SlackSender, slack: FakeSlack) -> tuple[str, str]:
    event = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER_ID}> {QUESTION}", "ts": "1.2"}
    return sender.event_body({**event, "channel": "C0000001", "event_ts": "1.2"}), "application/json"


REQUESTS: dict[str, Callable[[SlackSender, FakeSlack], tuple[str, str]]] = {
    "command": lambda s, slack: (s.command_body(QUESTION, slack.response_url()), FORM),
    "click": lambda s, slack: (_click_body(s, slack.response_url()), FORM),
    "mention": _mention_body,
}


@pytest.mark.parametrize("kind", REQUESTS, ids=REQUESTS.keys())
def test_origin_requests_from_another_workspace_are_refused_and_not_answered(
    sender: SlackSender, slack: FakeSlack, kind: str
) -> None:
    body, content_type = REQUESTS[kind](sender, slack)
    reply = sender.post(_foreign(body), content_type)
    assert reply.status == 403, f"expected 403, got {reply.status}"
    slack.settle(1)
    sent = [c.path for c in slack.calls if c.path.startswith("/hooks/") or c.method == "chat.postMessage"]
    assert not sent, f"expected nothing sent, got {sent}"


def test_origin_requests_for_another_app_are_refused_when_slack_app_id_is_set(
    slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    app = create_app(slack_settings(settings, slack, slack_app_id="A9999999"), engine)
    with serving(app) as url:
        reply = SlackSender(url + "/slack/events").command(QUESTION, slack.response_url())
    assert reply.status == 403, f"expected 403 for a request to {API_APP_ID}, got {reply.status}"


@pytest.mark.parametrize("kind", ["command", "click"])
def test_origin_the_same_signed_request_three_times_is_answered_once(
    sender: SlackSender, slack: FakeSlack, kind: str
) -> None:
    url = slack.response_url()
    body = sender.command_body(QUESTION, url) if kind == "command" else _click_body(sender, url)
    replies = [sender.post(body, FORM) for _ in range(3)]
    assert [r.status for r in replies] == [200, 200, 200], [r.status for r in replies]
    expected = 1 if kind == "command" else 2  # a share: the answer, then the private copy deleted
    slack.wait_for(lambda: slack.hook_posts(url), count=expected)
    slack.settle(1)
    posts = [p.body for p in slack.hook_posts(url)]
    assert len(posts) == expected, f"expected {expected} post(s), got {len(posts)}: {posts}"
