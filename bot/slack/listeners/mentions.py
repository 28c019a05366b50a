"""`@Crosscheck QUESTION` in a channel: answered in a thread under the question (in a thread the
bot answered before, read as a follow-up to that thread's question where it is one)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack import blocks
from bot.slack.listeners import coverage
from bot.slack.listeners.common import Replies, acknowledge, from_a_person, not_in_a_dm, own_mention_removed


def register(app: App, replies: Replies) -> None:
    """The app_mention listener; mentions by bots, edits and mentions in DMs are only acknowledged."""

    def mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """`@Crosscheck QUESTION` in a channel: the answer in a thread under the question."""
        question = own_mention_removed(event.get("text") or "", context.bot_user_id)
        thread = event.get("thread_ts") or event.get("ts") or ""
        if coverage.wants_add(question):  # "@Crosscheck add https://...": coverage, not a question
            if not coverage.may_edit(replies.settings, event.get("user"), event.get("channel")):
                replies.post(client, event["channel"], blocks.notice_message(coverage.REFUSAL), thread)
                return
            for message in coverage.add_links(replies, question):
                replies.post(client, event["channel"], message, thread)
            return
        replies.post(client, event["channel"], replies.reply_in(event["channel"], thread, question), thread)

    app.event("app_mention", matchers=[from_a_person, not_in_a_dm])(ack=acknowledge, lazy=[mention])
    app.event("app_mention")(acknowledge)
