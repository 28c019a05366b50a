"""Follow-ups in Slack: replies in the threads Crosscheck answered, and in DMs, read with the
earlier question. Driven as Slack drives it: signed app_mention and message.channels events, the
answers read from the fake Slack's chat.postMessage calls."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack.listeners.common import Conversations
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import (
    BOT_ID,
    BOT_USER_ID,
    FakeSlack,
    SlackSender,
    message_text,
    serving,
    slack_settings,
)
from tests.bot.slack.test_memory import redis_url as redis_url  # the fixture: a Redis, or a skip

CHANNEL = "C0000077"
ASKED = "1700000100.000100"
BAGHDAD = "how many were killed in Baghdad?"


def ask_in_channel(sender: SlackSender, slack: FakeSlack, question: str = BAGHDAD) -> None:
    """A mention at the top of the channel, answered in a thread under it."""
    sender.mention(f"<@{BOT_USER_ID}> {question}", channel=CHANNEL, ts=ASKED)
    slack.wait_for(lambda: slack.posts())


def reply_in_thread(sender: SlackSender, text: str, thread: str = ASKED, **extra: Any) -> None:
    ts = f"{time.time():.6f}"
    event = {"type": "message", "channel_type": "channel", "channel": CHANNEL, "user": "U0000001",
             "text": text, "ts": ts, "thread_ts": thread, "event_ts": ts, **extra}  # fmt: skip
    reply = sender.event(event)
    assert reply.status == 200 and reply.seconds < 3, f"expected an ack within 3 s, got {reply}"


def answers(slack: FakeSlack, count: int) -> list[dict[str, Any]]:
    return [c.body for c in slack.wait_for(lambda: slack.posts(), count=count)]


def test_a_follow_up_in_the_bots_thread_is_read_with_the_threads_question(
    sender: SlackSender, slack: FakeSlack
) -> None:
    ask_in_channel(sender, slack)
    reply_in_thread(sender, "and in Jordan?")
    posts = answers(slack, 2)
    assert len(posts) == 2, f"expected the follow-up answered, got {len(posts)} posts"
    second = posts[1]
    assert (second["channel"], second["thread_ts"]) == (CHANNEL, ASKED), (
        f"expected the thread, got {second!r}"
    )
    shown = message_text(second)
    expected = 'Read as a follow-up to "how many were killed in Baghdad?": how many were killed in Jordan?'
    assert expected in shown, f"expected the reading stated, got:\n{shown}"
    assert "*Question:* how many were killed in Jordan?" in shown and "*3*" in shown, f"got:\n{shown}"


def test_follow_ups_chain_on_the_last_question_of_the_thread(sender: SlackSender, slack: FakeSlack) -> None:
    ask_in_channel(sender, slack)
    reply_in_thread(sender, "and in Jordan?")
    answers(slack, 2)
    reply_in_thread(sender, "when was that?")
    shown = message_text(answers(slack, 3)[2])
    assert 'Read as a follow-up to "how many were killed in Jordan?"' in shown, f"got:\n{shown}"
    assert "2024-01-28" in shown, f"expected the date of the Jordan attack, got:\n{shown}"


@pytest.mark.parametrize("text", ["thanks!", "ok, that matches what I read", ""])
def test_chat_between_people_in_the_thread_is_not_answered(
    sender: SlackSender, slack: FakeSlack, text: str
) -> None:
    ask_in_channel(sender, slack)
    reply_in_thread(sender, text)
    slack.settle(0.7)
    assert len(slack.posts()) == 1, f"expected no reply to {text!r}, got {[p.body for p in slack.posts()]}"


def test_a_full_question_in_the_thread_is_answered_as_it_stands(
    sender: SlackSender, slack: FakeSlack
) -> None:
    ask_in_channel(sender, slack)
    reply_in_thread(sender, "how many were injured in Jordan?")
    shown = message_text(answers(slack, 2)[1])
    assert "Read as a follow-up" not in shown and "*Question:* how many were injured in Jordan?" in shown, (
        shown
    )


@pytest.mark.parametrize(
    "extra",
    [{"thread_ts": "1600000000.000001"}, {"bot_id": "B0OTHER"}, {"user": BOT_USER_ID, "bot_id": BOT_ID},
     {"subtype": "message_changed"}, {"channel": "C0OTHER"}],
    ids=["another thread", "another bot", "the bot itself", "an edit", "another channel"],
)  # fmt: skip
def test_replies_elsewhere_or_not_by_people_are_not_answered(
    sender: SlackSender, slack: FakeSlack, extra: dict[str, Any]
) -> None:
    ask_in_channel(sender, slack)
    reply_in_thread(sender, "and in Jordan?", **extra)
    slack.settle(0.7)
    assert len(slack.posts()) == 1, f"expected no reply, got {[p.body.get('text') for p in slack.posts()]}"


def test_a_reply_mentioning_the_bot_is_answered_once_as_a_follow_up(
    sender: SlackSender, slack: FakeSlack
) -> None:
    ask_in_channel(sender, slack)
    text = f"<@{BOT_USER_ID}> and in Jordan?"
    reply_in_thread(sender, text)  # Slack sends both: the message event and the app_mention
    sender.mention(text, channel=CHANNEL, thread_ts=ASKED)
    posts = answers(slack, 2)
    slack.settle(0.7)
    assert len(slack.posts()) == 2, f"expected one answer to the reply, got {len(slack.posts()) - 1}"
    assert "Read as a follow-up" in message_text(posts[1]), message_text(posts[1])


def test_a_follow_up_in_a_dm_is_read_with_the_question_before(sender: SlackSender, slack: FakeSlack) -> None:
    sender.direct_message(BAGHDAD, channel="D0000055")
    answers(slack, 1)
    sender.direct_message("and in Jordan?", channel="D0000055")
    shown = message_text(answers(slack, 2)[1])
    assert 'Read as a follow-up to "how many were killed in Baghdad?"' in shown, f"got:\n{shown}"


def test_conversations_forget_the_oldest_and_the_expired() -> None:
    memory = Conversations(seconds=3600, size=2)
    memory.remember("C1", "1.0", "q1")
    memory.remember("C1", "2.0", "q2")
    memory.remember("C1", "1.0", "q1 again")  # refreshed: now the newest
    memory.remember("C2", "3.0", "q3")
    got = [memory.previous("C1", "1.0"), memory.previous("C1", "2.0"), memory.previous("C2", "3.0")]
    assert got == ["q1 again", None, "q3"], f"got {got}"
    expired = Conversations(seconds=0.0)
    expired.remember("C1", "1.0", "q")
    time.sleep(0.01)
    assert expired.previous("C1", "1.0") is None, "expected a conversation past its time forgotten"


def test_a_follow_up_reaching_another_worker_is_read_with_the_thread_shared_in_redis(
    redis_url: str, slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    """Two apps, as two workers: the question answered by one, the follow-up reaching the other."""
    shared = slack_settings(settings, slack, redis_url=redis_url)
    channel = f"C{uuid.uuid4().hex[:8].upper()}"
    question = {"type": "app_mention", "channel": channel, "user": "U0000001",
                "text": f"<@{BOT_USER_ID}> {BAGHDAD}", "ts": ASKED, "event_ts": ASKED}  # fmt: skip
    ts = f"{time.time():.6f}"
    reply = {"type": "message", "channel_type": "channel", "channel": channel, "user": "U0000001",
             "text": "and in Jordan?", "ts": ts, "thread_ts": ASKED, "event_ts": ts}  # fmt: skip
    with serving(create_app(shared, engine)) as first, serving(create_app(shared, engine)) as second:
        # Senders number their events from 1, and Redis keeps ids for an hour: fresh ids.
        SlackSender(first + "/slack/events").event(question, event_id=f"Ev{uuid.uuid4().hex[:10]}")
        slack.wait_for(lambda: slack.posts())
        SlackSender(second + "/slack/events").event(reply, event_id=f"Ev{uuid.uuid4().hex[:10]}")
        posts = answers(slack, 2)
    assert len(posts) == 2, f"expected the other worker to answer the follow-up, got {len(posts)} posts"
    assert 'Read as a follow-up to "how many were killed in Baghdad?"' in message_text(posts[1])
