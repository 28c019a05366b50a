"""The buttons under an answer: "Share in channel" and "Show all sources"."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core import Answer
from bot.slack import blocks
from bot.slack.client import respond
from bot.slack.listeners.common import Replies, acknowledge, action_of


def register(app: App, replies: Replies) -> None:
    """The listeners for the two block actions blocks.py puts under an answer."""

    def share(body: dict[str, Any]) -> None:
        """The "Share in channel" button: the answer for everyone, and the private copy removed."""
        url, question, user = action_of(body)
        answer = replies.answer(question)
        if isinstance(answer, Answer):
            message = blocks.answer_message(answer, n_articles=replies.n_articles(), shared_by=user)
            if respond(url, {**message, "response_type": "in_channel", "replace_original": False}):
                respond(url, {"delete_original": True})
        else:
            respond(url, {**answer, "response_type": "ephemeral", "replace_original": False})

    def show_all(body: dict[str, Any]) -> None:
        """The "Show all sources" button: every source, only to the one who clicked, in as many
        messages as the limits need."""
        url, question, _ = action_of(body)
        thread = (body.get("container") or {}).get("thread_ts") or (body.get("message") or {}).get(
            "thread_ts"
        )
        answer = replies.answer(question)
        pages = (
            blocks.answer_pages(answer, n_articles=replies.n_articles())
            if isinstance(answer, Answer)
            else [answer]
        )
        for page in pages:
            extra = {"thread_ts": thread} if thread else {}
            respond(url, {**page, "response_type": "ephemeral", "replace_original": False, **extra})

    app.action(blocks.SHARE_ACTION)(ack=acknowledge, lazy=[share])
    app.action(blocks.SHOW_ALL_ACTION)(ack=acknowledge, lazy=[show_all])
