"""The slash command (`/crosscheck QUESTION | help | sources | disagreements | add URL | remove ID`):
replies only the asker sees.

A subcommand is a word in SUBCOMMANDS and the function that makes its reply from
the shared Replies and the text after the word; anything else is a question. A
subcommand that takes no text (`sources`) is one only when it is the whole text,
so "sources say how many died?" is still answered as a question. `add` and `remove`
change the coverage (listeners/coverage.py: they need who asks, where, and may reply
once per link).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.slack import blocks
from bot.slack.client import respond
from bot.slack.listeners import coverage
from bot.slack.listeners.common import SORRY, Replies, acknowledge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Subcommand:
    """`run(replies, rest)` makes the reply; `takes_text`: the word may be followed by more."""

    run: Callable[[Replies, str], blocks.Message]
    takes_text: bool = False


def _help(replies: Replies, _: str) -> blocks.Message:
    return blocks.help_message(replies.settings.slash_command)


def _sources(replies: Replies, _: str) -> blocks.Message:
    try:
        return blocks.sources_message(replies.engine.index.articles.values())
    except Exception:
        log.exception("Could not list the articles")
        return blocks.notice_message(SORRY)


def _disagreements(replies: Replies, _: str) -> blocks.Message:
    found = replies.digest()
    if isinstance(found, str):
        return blocks.notice_message(found)
    return blocks.digest_message(found, replies.settings.slash_command)


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": Subcommand(_help),
    "-h": Subcommand(_help),
    "--help": Subcommand(_help),
    "sources": Subcommand(_sources),
    "disagreements": Subcommand(_disagreements),
    "digest": Subcommand(_disagreements),
}


def subcommand(text: str) -> tuple[Subcommand, str] | None:
    """The subcommand `text` asks for and the text after its word, or None for a question."""
    word, _, rest = text.strip().partition(" ")
    found = SUBCOMMANDS.get(word.lower())
    if found is None or (rest.strip() and not found.takes_text):
        return None
    return found, rest.strip()


def register(app: App, replies: Replies) -> None:
    """The listener for the slash command named in the settings (CROSSCHECK_SLASH_COMMAND)."""

    def command(command: dict[str, Any]) -> None:
        """`/crosscheck QUESTION | subcommand`: the reply, only to the asker, through the response_url."""
        text = (command.get("text") or "").strip()
        changed = coverage.command_reply(replies, command)
        if changed is not None:
            for message in changed:
                respond(command.get("response_url"), {**message, "response_type": "ephemeral"})
            return
        chosen = subcommand(text) if text else (SUBCOMMANDS["help"], "")
        if chosen is not None:
            run, rest = chosen
            message = run.run(replies, rest)
        else:
            message = replies.reply(text, share=True)
        respond(command.get("response_url"), {**message, "response_type": "ephemeral"})

    app.command(replies.settings.slash_command)(ack=acknowledge, lazy=[command])
