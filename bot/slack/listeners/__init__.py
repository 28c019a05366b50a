"""Crosscheck's Slack listeners, one module per Slack surface, each with `register(app, replies)`.

mentions.py (app_mention), messages.py (DMs), commands.py (the slash command),
actions.py (buttons); common.py holds what they share. Bolt runs the first
listener that matches, so each surface's catch-all `acknowledge` comes after its
real listener, and the order below is the order they were always registered in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.core import Engine
from bot.settings import Settings
from bot.slack.listeners import actions, commands, mentions, messages
from bot.slack.listeners.common import EventMemory, Replies, log


def register(app: App, settings: Settings, engine: Engine, memory: EventMemory | None = None) -> None:
    """Attach the listeners. Bolt runs the first listener that matches, so the plain
    `acknowledge` ones catch what Crosscheck ignores (bots, edits, joins) with a 200."""
    memory = memory or EventMemory()

    @app.middleware  # Bolt passes arguments by name: `next` must be called that, shadowing the builtin
    def answer_each_event_once(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        retries = request.headers.get("x-slack-retry-num") or []
        retry = retries[0] if retries else None
        if event_id and not memory.first_time(str(event_id)):
            log.info("Slack sent event %s again (retry %s); it was answered already", event_id, retry)
            return BoltResponse(status=200, body="")
        if retry:  # first seen here: the original never arrived (a restart, a network fault)
            log.info("Answering event %s from Slack's retry %s", event_id, retry)
        return next()

    replies = Replies(settings, engine)
    for surface in (mentions, messages, commands, actions):
        surface.register(app, replies)
