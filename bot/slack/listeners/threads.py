"""Replies in the threads Crosscheck answered in ("and in Syria?", "when was that?"): answered in
the thread, read with the thread's earlier question, saying how the follow-up was read.

Slack sends every message of the public channels the bot is in (message.channels); only
plain replies by people in a thread the bot answered (and still remembers, common.Conversations)
are read, and of those only follow-ups and questions ("...?") are answered: people also
thank each other in threads. A reply that mentions the bot is the mention listener's.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.listeners.common import Replies, acknowledge, from_a_person, not_in_a_dm, own_mention_removed


def register(app: App, replies: Replies) -> None:
    """The message listener for replies in the bot's threads (before messages.py's catch-all)."""

    def in_a_known_thread(event: dict[str, Any], context: BoltContext) -> bool:
        """Listener matcher: a reply in a thread whose question the bot answered and remembers,
        not mentioning the bot (Slack sends that as an app_mention too)."""
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts") or not event.get("channel"):
            return False
        if context.bot_user_id and re.search(
            rf"<@{re.escape(context.bot_user_id)}\b", event.get("text") or ""
        ):
            return False
        return replies.conversations.previous(event["channel"], thread) is not None

    def follow_up(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """A reply in the bot's thread: answered there when it reads as a follow-up or a question."""
        text = own_mention_removed(event.get("text") or "", context.bot_user_id).strip()
        channel, thread = event["channel"], event["thread_ts"]
        follow = replies.follow_up(channel, thread, text)
        if follow.reading is None and not text.endswith("?"):
            return  # conversation between people ("thanks!"), not something to answer
        replies.post(client, channel, replies.reply_in(channel, thread, text, follow), thread)

    app.event("message", matchers=[from_a_person, not_in_a_dm, in_a_known_thread])(
        ack=acknowledge, lazy=[follow_up]
    )
