"""Direct messages to Crosscheck: answered in the DM, follow-ups ("and in Syria?") read with the
question before."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.listeners.common import Replies, acknowledge, from_a_person, in_a_dm, own_mention_removed


def register(app: App, replies: Replies) -> None:
    """The message listener for DMs; every other message event is only acknowledged."""

    def direct_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """A direct message: the answer in the DM (in its thread, if it was asked in one)."""
        question = own_mention_removed(event.get("text") or "", context.bot_user_id)
        thread = event.get("thread_ts")
        message = replies.reply_in(event["channel"], thread or "", question)
        replies.post(client, event["channel"], message, thread)

    app.event("message", matchers=[from_a_person, in_a_dm])(ack=acknowledge, lazy=[direct_message])
    app.event("message")(acknowledge)
