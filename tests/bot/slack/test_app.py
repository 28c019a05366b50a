"""The Slack app driven as Slack drives it: signed requests to the real HTTP endpoint
(POST /slack/events), a fake Slack Web API and response URLs on loopback recording
what the app sends, and the real Engine over the bundled corpus.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.logs import RedactingFormatter
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.listeners.common import SORRY, own_mention_removed
from bot.slack.memory import EventMemory
from bot.slack.web import create_app
from index.articles import CorpusError
from tests.bot.slack.fake_slack import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    FakeSlack,
    SlackSender,
    get,
    message_text,
    serving,
    slack_settings,
)

QUESTION = "how many were killed in Baghdad?"
ACK_SECONDS = 3  # Slack's limit for an acknowledgement


def acknowledged(reply: Any) -> None:
    assert reply.status == 200, f"expected 200, got {reply.status} {reply.body!r}"
    assert reply.seconds < ACK_SECONDS, f"expected an ack within 3 s, got {reply.seconds:.2f} s"


def one_post(slack: FakeSlack, method: str = "chat.postMessage") -> dict[str, Any]:
    posts = slack.wait_for(lambda: slack.posts(method))
    assert len(posts) == 1, f"expected one {method}, got {len(posts)}: {[p.body for p in posts]!r}"
    return posts[0].body


# --- what users get --------------------------------------------------------------------------------


def test_url_verification_returns_the_challenge(sender: SlackSender) -> None:
    reply = sender.post(
        json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"}), "application/json"
    )
    assert (reply.status, reply.json()) == (200, {"challenge": "abc123"}), (
        f"got {reply.status} {reply.body!r}"
    )


def test_app_mention_is_answered_in_a_thread_under_the_question(
    sender: SlackSender, slack: FakeSlack
) -> None:
    reply = sender.mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0000009", ts="1700000005.000100")
    acknowledged(reply)
    post = one_post(slack)
    assert post["channel"] == "C0000009", f"expected the question's channel, got {post['channel']!r}"
    assert post["thread_ts"] == "1700000005.000100", f"expected a reply under the question, got {post!r}"
    shown = message_text(post)
    for part in ["Sources disagree: 2 answers", "*3*", "*1*", "3 articles", "according to U.S. officials"]:
        assert part in shown, f"expected {part!r} in the answer, got:\n{shown}"
    assert post["unfurl_links"] is False, "expected no link previews under answers"


def test_app_mention_thread_is_the_question_itself_or_its_thread(
    sender: SlackSender, slack: FakeSlack
) -> None:
    sender.mention(f"<@{BOT_USER_ID}> {QUESTION}", ts="1700000001.000200", event_ts="1700000001.000200")
    sender.mention(f"<@{BOT_USER_ID}> {QUESTION}", ts="1700000002.000300", thread_ts="1700000000.000100")
    posts = slack.wait_for(lambda: slack.posts(), count=2)
    threads = sorted(p.body["thread_ts"] for p in posts)
    assert threads == ["1700000000.000100", "1700000001.000200"], f"got threads {threads}"


def test_direct_message_is_answered_in_the_dm(sender: SlackSender, slack: FakeSlack) -> None:
    acknowledged(sender.direct_message(QUESTION, channel="D0000042"))
    post = one_post(slack)
    assert post["channel"] == "D0000042", f"expected the DM, got {post['channel']!r}"
    assert not post.get("thread_ts"), (
        f"expected a plain reply in the DM, got thread {post.get('thread_ts')!r}"
    )
    assert "Sources disagree: 2 answers" in message_text(post)


def test_slash_command_is_answered_only_to_the_asker_through_its_response_url(
    sender: SlackSender, slack: FakeSlack
) -> None:
    url = slack.response_url()
    reply = sender.command(QUESTION, url)
    acknowledged(reply)
    assert reply.body == "", f"expected an empty ack (the answer follows), got {reply.body!r}"
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    assert len(posts) == 1, f"expected one reply, got {len(posts)}"
    message = posts[0].body
    assert message["response_type"] == "ephemeral", (
        f"expected a private reply, got {message['response_type']!r}"
    )
    assert "Sources disagree: 2 answers" in message_text(message)
    actions = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert blocks.SHARE_ACTION in actions, f"expected a Share in channel button, got {actions}"
    assert not slack.posts(), "expected nothing posted in the channel"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "`/crosscheck sources`"),
        ("help", "`/crosscheck sources`"),
        ("  HELP ", "`/crosscheck sources`"),
        ("sources", "these 5 articles"),
        ("sources", "Asianet Newsable, 2024-02-08"),
        ("???", "The question is empty"),
    ],
)
def test_slash_command_help_sources_and_unreadable_questions(
    sender: SlackSender, slack: FakeSlack, text: str, expected: str
) -> None:
    url = slack.response_url()
    acknowledged(sender.command(text, url))
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    shown = message_text(posts[0].body)
    assert expected in shown, f"expected {expected!r} in the reply to {text!r}, got:\n{shown}"
    assert posts[0].body["response_type"] == "ephemeral"


def test_an_empty_mention_gets_the_usage(sender: SlackSender, slack: FakeSlack) -> None:
    sender.mention(f"<@{BOT_USER_ID}>")
    assert "`/crosscheck help`" in message_text(one_post(slack))


# --- Slack's requirements --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forgery",
    [
        {"signature": "v0=" + "0" * 64},  # forged
        # Seconds from now, taken when the test runs: parameters are made when the file is
        # collected, and a "future" stamp made then is no longer 5 minutes ahead a minute later.
        {"timestamp": -5 * 60 - 30},  # older than 5 minutes (and signed for that time)
        {"timestamp": 5 * 60 + 30},  # from the future
    ],
    ids=["forged", "stale", "future"],
)
def test_requests_with_a_bad_signature_are_rejected_and_nothing_is_posted(
    sender: SlackSender, slack: FakeSlack, forgery: dict[str, Any]
) -> None:
    if "timestamp" in forgery:
        forgery = {"timestamp": int(time.time()) + forgery["timestamp"]}
    url = slack.response_url()
    replies = [
        sender.post(
            sender.event_body(
                {
                    "type": "message",
                    "channel_type": "im",
                    "user": "U1",
                    "text": QUESTION,
                    "channel": "D1",
                    "ts": "1.2",
                }
            ),
            "application/json",
            **forgery,
        ),
        sender.post(sender.command_body(QUESTION, url), "application/x-www-form-urlencoded", **forgery),
    ]
    assert [r.status for r in replies] == [401, 401], (
        f"expected 401s, got {[(r.status, r.body) for r in replies]}"
    )
    slack.settle()
    assert not slack.posts() and not slack.hook_posts(), "expected nothing sent to Slack"


def test_a_request_signed_with_another_secret_is_rejected(app_url: str, slack: FakeSlack) -> None:
    reply = SlackSender(app_url + "/slack/events", signing_secret="not-the-secret").direct_message(QUESTION)
    assert reply.status == 401, f"expected 401, got {reply.status}"
    slack.settle()
    assert not slack.posts()


@pytest.mark.parametrize("retry_header", [True, False], ids=["X-Slack-Retry-Num", "same event_id"])
def test_an_event_sent_again_is_answered_once(
    sender: SlackSender, slack: FakeSlack, retry_header: bool
) -> None:
    body = sender.event_body(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": QUESTION,
            "channel": "D1",
            "ts": "1700000000.000100",
        },
        event_id="Ev0RETRY1",
    )
    acknowledged(sender.post(body, "application/json"))
    headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if retry_header else {}
    acknowledged(sender.post(body, "application/json", headers=headers))
    slack.wait_for(lambda: slack.posts())
    slack.settle()
    assert len(slack.posts()) == 1, f"expected one answer, got {len(slack.posts())}"


def test_a_retry_whose_original_never_arrived_is_answered(sender: SlackSender, slack: FakeSlack) -> None:
    body = sender.event_body(
        {
            "type": "message",
            "channel_type": "im",
            "user": "U1",
            "text": QUESTION,
            "channel": "D1",
            "ts": "1700000000.000100",
        },
        event_id="Ev0LOST01",
    )
    acknowledged(sender.post(body, "application/json", headers={"X-Slack-Retry-Num": "2"}))
    assert len(slack.wait_for(lambda: slack.posts())) == 1


IGNORED = {
    "bot message in a DM": {"type": "message", "channel_type": "im", "bot_id": "B999", "text": QUESTION},
    "own message": {"type": "message", "channel_type": "im", "user": BOT_USER_ID, "text": QUESTION},
    "own bot_id": {"type": "message", "channel_type": "im", "user": "U1", "bot_id": BOT_ID, "text": QUESTION},
    "bot_message subtype": {
        "type": "message",
        "channel_type": "im",
        "subtype": "bot_message",
        "text": QUESTION,
    },
    "edit": {
        "type": "message",
        "channel_type": "im",
        "subtype": "message_changed",
        "user": "U1",
        "message": {"text": QUESTION, "user": "U1"},
    },
    "deletion": {"type": "message", "channel_type": "im", "subtype": "message_deleted"},
    "join": {
        "type": "message",
        "channel_type": "channel",
        "subtype": "channel_join",
        "user": "U1",
        "text": "<@U1> has joined the channel",
    },
    "channel message": {"type": "message", "channel_type": "channel", "user": "U1", "text": QUESTION},
    "mention by a bot": {
        "type": "app_mention",
        "user": "U1",
        "bot_id": "B999",
        "text": f"<@{BOT_USER_ID}> hi",
    },
    "edited mention": {
        "type": "app_mention",
        "subtype": "message_changed",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
    },
}


@pytest.mark.parametrize("event", IGNORED.values(), ids=IGNORED.keys())
def test_bots_the_bot_itself_and_subtypes_are_ignored(
    sender: SlackSender, slack: FakeSlack, event: dict[str, Any]
) -> None:
    acknowledged(sender.event({"channel": "D0000001", "ts": "1700000000.000100", **event}))
    sender.direct_message("who was killed?", channel="D0SENTINEL")  # sent after, so answered after
    slack.wait_for(lambda: slack.posts())
    slack.settle(0.5)
    channels = [p.body["channel"] for p in slack.posts()]
    assert channels == ["D0SENTINEL"], f"expected only the sentinel DM answered, got {channels}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"<@{BOT_USER_ID}> how many?", "how many?"),
        (f"<@{BOT_USER_ID}|crosscheck> how many?", "how many?"),
        (f"how many, <@{BOT_USER_ID}>?", "how many, ?"),
        (
            f"<@{BOT_USER_ID}> did <@U0OTHER> and <@U0OTHER|alice> say?",
            "did <@U0OTHER> and <@U0OTHER|alice> say?",
        ),
        ("<@U0OTHER> how many?", "<@U0OTHER> how many?"),
    ],
)
def test_only_the_bots_own_mention_is_stripped(text: str, expected: str) -> None:
    got = own_mention_removed(text, BOT_USER_ID)
    assert got == expected, f"expected {expected!r}, got {got!r}"


def test_other_mentions_reach_the_question(sender: SlackSender, slack: FakeSlack) -> None:
    sender.mention(f"<@{BOT_USER_ID}> did <@U0OTHER|alice> say how many were killed in Baghdad?")
    shown = message_text(one_post(slack))
    assert "*Question:* did alice say how many" in shown, f"expected the other mention kept, got:\n{shown}"


def test_a_question_with_broadcast_mentions_never_pings(sender: SlackSender, slack: FakeSlack) -> None:
    # As Slack delivers them: mentions as markup, typed angle brackets and ampersands escaped.
    question = (
        "<!channel> <!here> <!everyone> <!here|@here> <@U0OTHER> <!subteam^S0TEAM|@team> "
        "&lt;!channel&gt; &lt;@U0OTHER&gt; @here how many were killed in Baghdad?"
    )
    sender.direct_message(question)
    url = slack.response_url()
    sender.command(question, url)
    messages = [one_post(slack), slack.wait_for(lambda: slack.hook_posts(url))[0].body]
    for message in messages:
        shown = message_text(message)
        assert "Sources disagree" in shown, f"expected the question answered, got:\n{shown}"
        for ping in ["<!channel", "<!here", "<!everyone", "<@U0OTHER", "<!subteam"]:
            assert ping not in shown, f"expected no {ping!r} in the reply, got:\n{shown}"
        assert "@here" not in shown.replace("@\u2060here", ""), f"expected bare @here defused, got:\n{shown}"


# --- the buttons -----------------------------------------------------------------------------------


def test_share_in_channel_posts_the_answer_for_everyone_and_removes_the_private_one(
    sender: SlackSender, slack: FakeSlack
) -> None:
    url = slack.response_url()
    acknowledged(sender.click(blocks.SHARE_ACTION, QUESTION, url, user="U0SHARER"))
    posts = slack.wait_for(lambda: slack.hook_posts(url), count=2)
    assert len(posts) == 2, f"expected the shared answer and a deletion, got {[p.body for p in posts]!r}"
    shared, deletion = posts[0].body, posts[1].body
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False, shared
    shown = message_text(shared)
    assert "Sources disagree: 2 answers" in shown and "Shared by <@U0SHARER>" in shown, shown
    actions = [e["action_id"] for b in shared["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert blocks.SHARE_ACTION not in actions, "expected no Share button on the shared answer"
    assert deletion == {"delete_original": True}, f"expected the private copy deleted, got {deletion!r}"


def test_show_all_sources_sends_every_source_only_to_the_clicker(
    sender: SlackSender, slack: FakeSlack
) -> None:
    url = slack.response_url()
    acknowledged(sender.click(blocks.SHOW_ALL_ACTION, QUESTION, url, thread_ts="1700000000.000100"))
    message = slack.wait_for(lambda: slack.hook_posts(url))[0].body
    assert message["response_type"] == "ephemeral" and message["replace_original"] is False, message
    assert message["thread_ts"] == "1700000000.000100", "expected the sources in the answer's thread"
    shown = message_text(message)
    assert shown.count("\n>") == 4, f"expected all 4 sources quoted, got:\n{shown}"


# --- calls to Slack: retries and refusals ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers"),
    [(429, {"Retry-After": "0"}), (500, {}), (503, {}), (None, {})],
    ids=["rate-limited", "server error 500", "unavailable 503", "connection dropped"],
)
def test_web_api_calls_are_retried(
    sender: SlackSender, slack: FakeSlack, status: int | None, headers: dict[str, str]
) -> None:
    slack.fail("/api/chat.postMessage", status, headers)
    sender.direct_message(QUESTION)
    posts = slack.wait_for(lambda: slack.posts())
    assert len(posts) == 1, "expected the answer posted after the retry"
    attempts = slack.attempts("/api/chat.postMessage")
    assert len(attempts) == 2, f"expected 2 attempts, got {len(attempts)}"


@pytest.mark.parametrize(("status", "headers"), [(429, {"Retry-After": "0"}), (500, {}), (None, {})])
def test_response_url_posts_are_retried(
    sender: SlackSender, slack: FakeSlack, status: int | None, headers: dict[str, str]
) -> None:
    url = slack.response_url()
    slack.fail(url.removeprefix(slack.root), status, headers)
    sender.command(QUESTION, url)
    assert len(slack.wait_for(lambda: slack.hook_posts(url))) == 1, "expected the reply after the retry"


def test_a_refused_post_is_logged_without_a_crash(
    sender: SlackSender, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.fail("/api/chat.postMessage", 400)  # not retried: a client error
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        sender.direct_message(QUESTION)
        slack.wait_for(lambda: slack.attempts("/api/chat.postMessage"))
        deadline = time.monotonic() + 10
        while "Slack refused the answer" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "Slack refused the answer for D0000001" in caplog.text, caplog.text


# --- errors at the edge, the index, health ----------------------------------------------------------


class BrokenEngine:
    """An engine whose answering fails: the app must apologise, not go silent."""

    def __init__(self, real: Engine) -> None:
        self.real, self.settings = real, real.settings

    @property
    def index(self) -> Any:
        return self.real.index

    def answer(self, question: str) -> Any:
        raise RuntimeError("the engine broke")


def test_an_unexpected_error_is_logged_with_its_traceback_and_the_user_gets_a_kind_reply(
    slack: FakeSlack, settings: Settings, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(slack_settings(settings, slack), BrokenEngine(engine))  # type: ignore[arg-type]
    with serving(app) as url, caplog.at_level(logging.ERROR, logger="bot.slack"):
        sender = SlackSender(url + "/slack/events")
        response_url = slack.response_url()
        acknowledged(sender.command(QUESTION, response_url))
        sender.mention(f"<@{BOT_USER_ID}> {QUESTION}")
        replies = [slack.wait_for(lambda: slack.hook_posts(response_url))[0].body, one_post(slack)]
    for reply in replies:
        assert SORRY.split(",")[0] in message_text(reply), f"expected an apology, got {message_text(reply)!r}"
    failures = [r for r in caplog.records if "Could not answer" in r.getMessage()]
    assert failures and failures[0].exc_info, "expected the error logged with its traceback"
    assert "the engine broke" in caplog.text


class SlowIndexEngine:
    """An engine whose index loads only when `release` is set (or fails with `error`)."""

    def __init__(self, real: Engine, error: Exception | None = None) -> None:
        self.real, self.settings, self.error = real, real.settings, error
        self.release = threading.Event()

    @property
    def index(self) -> Any:
        if self.error:
            raise self.error
        self.release.wait(30)
        return self.real.index

    def answer(self, question: str) -> Any:
        self.index  # noqa: B018 - as the real Engine does: answering needs the index
        return self.real.answer(question)


def test_healthz_turns_200_once_the_index_is_loaded_and_answers_wait_for_it(
    slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    slow = SlowIndexEngine(engine)
    with serving(create_app(slack_settings(settings, slack), slow)) as url:  # type: ignore[arg-type]
        loading = get(url + "/healthz")
        assert (loading.status, json.loads(loading.body)) == (503, {"status": "loading"}), loading
        response_url = slack.response_url()
        acknowledged(SlackSender(url + "/slack/events").command(QUESTION, response_url))
        slack.settle(0.3)
        assert not slack.hook_posts(response_url), "expected the answer to wait for the index"
        slow.release.set()
        assert len(slack.wait_for(lambda: slack.hook_posts(response_url))) == 1, (
            "expected the answer once loaded"
        )
        deadline = time.monotonic() + 10
        while (ready := get(url + "/healthz")).status != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert json.loads(ready.body) == {"status": "ok", "articles": 5}, ready


def test_healthz_says_why_the_index_failed_to_load(
    slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    broken = SlowIndexEngine(engine, error=CorpusError("The corpus folder /x has no .txt articles."))
    with serving(create_app(slack_settings(settings, slack), broken)) as url:  # type: ignore[arg-type]
        deadline = time.monotonic() + 10
        while "error" not in (health := get(url + "/healthz")).body and time.monotonic() < deadline:
            time.sleep(0.05)
    assert health.status == 503 and "has no .txt articles" in health.body, health


def test_a_cold_start_acks_at_once_and_answers_once_the_index_is_built(
    slack: FakeSlack, settings: Settings, tmp_path: Any
) -> None:
    cold = slack_settings(settings, slack, index_dir=tmp_path / "index")
    with serving(create_app(cold)) as url:
        response_url = slack.response_url()
        acknowledged(SlackSender(url + "/slack/events").command(QUESTION, response_url))
        posts = slack.wait_for(lambda: slack.hook_posts(response_url), timeout=60)
    assert posts and "Sources disagree" in message_text(posts[0].body), "expected the answer after the build"


# --- small parts ------------------------------------------------------------------------------------


def test_event_memory_forgets_after_its_time_and_size() -> None:
    memory = EventMemory(seconds=0.05, size=3)
    assert [memory.first_time(x) for x in ("a", "a", "b")] == [True, False, True]
    time.sleep(0.1)
    assert memory.first_time("a"), "expected an id forgotten after its time"
    for x in ("c", "d", "e"):
        memory.first_time(x)
    assert memory.first_time("b"), "expected the oldest id forgotten past the size"


@pytest.mark.parametrize(
    "line",
    [
        f"token {BOT_TOKEN} leaked",
        "xoxp-1234-5678-user-token",
        "xapp-1-A1-2-app-token",
        f"secret {SIGNING_SECRET}",
        "body: token=legacy-verification-token-XYZ&team_id=T1",
        "body: {'token': 'legacy-verification-token-XYZ', 'team_id': 'T1'}",
        "posting to https://hooks.slack.com/commands/T1/123/abc",
        "body: command=%2Fcc&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F123%2Fabc&x=1",
    ],
)
def test_logs_never_carry_tokens_secrets_or_response_urls(line: str) -> None:
    formatter = RedactingFormatter(logging.Formatter("%(message)s"), [BOT_TOKEN, SIGNING_SECRET])
    try:
        raise ValueError(line)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, line, None, None)
        import sys

        record.exc_info = sys.exc_info()
    shown = formatter.format(record)
    for secret in [
        BOT_TOKEN,
        SIGNING_SECRET,
        "xoxp-1234",
        "xapp-1-A1",
        "legacy-verification",
        "hooks.slack.com/",
    ]:
        assert secret not in shown, f"expected {secret!r} redacted, got {shown!r}"
    assert "[redacted]" in shown


class FixedEngine:
    """An engine that gives one prepared answer to every question."""

    def __init__(self, real: Engine, answer: Any) -> None:
        self.real, self.settings, self.prepared = real, real.settings, answer

    @property
    def index(self) -> Any:
        return self.real.index

    def answer(self, question: str) -> Any:
        return self.prepared.model_copy(update={"question": question})


def test_a_40_source_answer_is_trimmed_and_show_all_sends_the_rest_in_pages(
    slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    from tests.bot.slack.test_blocks import long_answer

    fixed = FixedEngine(engine, long_answer(40))
    with serving(create_app(slack_settings(settings, slack), fixed)) as url:  # type: ignore[arg-type]
        sender = SlackSender(url + "/slack/events")
        sender.mention(f"<@{BOT_USER_ID}> {QUESTION}")
        first = one_post(slack)
        buttons = {
            e["action_id"]: e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]
        }
        assert f"…and {40 - blocks.SOURCES_SHOWN} more sources" in message_text(first)
        assert set(buttons) == {blocks.SHOW_ALL_ACTION, blocks.HELPFUL_ACTION, blocks.WRONG_ACTION}, (
            f"expected Show all and the feedback buttons (no Share) in a channel, got {set(buttons)}"
        )
        response_url = slack.response_url()
        acknowledged(
            sender.click(blocks.SHOW_ALL_ACTION, buttons[blocks.SHOW_ALL_ACTION]["value"], response_url)
        )
        slack.wait_for(lambda: slack.hook_posts(response_url), count=2)
        slack.settle(0.5)  # any further pages
        pages = slack.hook_posts(response_url)
    quoted = sum(message_text(p.body).count("\n>") for p in pages)
    assert 2 <= len(pages) <= blocks.RESPONSE_URL_USES, f"expected 2 to 5 messages, got {len(pages)}"
    assert quoted == 40, f"expected all 40 sources across the messages, got {quoted}"
    assert all(p.body["response_type"] == "ephemeral" and len(p.body["blocks"]) <= 50 for p in pages)
