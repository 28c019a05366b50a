"""The slash command (`/crosscheck QUESTION | help | sources`): replies only the asker sees."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.slack import blocks
from bot.slack.client import respond
from bot.slack.listeners.common import SORRY, Replies, acknowledge

log = logging.getLogger(__name__)


def register(app: App, replies: Replies) -> None:
    """The listener for the slash command named in the settings (CROSSCHECK_SLASH_COMMAND)."""

    def command(command: dict[str, Any]) -> None:
        """`/crosscheck QUESTION | help | sources`: the reply, only to the asker, through the response_url."""
        text = (command.get("text") or "").strip()
        if text.lower() in ("", "help", "-h", "--help"):
            message = blocks.help_message(replies.settings.slash_command)
        elif text.lower() == "sources":
            try:
                message = blocks.sources_message(replies.engine.index.articles.values())
            except Exception:
                log.exception("Could not list the articles")
                message = blocks.notice_message(SORRY)
        else:
            message = replies.reply(text, share=True)
        respond(command.get("response_url"), {**message, "response_type": "ephemeral"})

    app.command(replies.settings.slash_command)(ack=acknowledge, lazy=[command])
