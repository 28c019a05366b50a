"""Crosscheck's Slack listeners, one module per Slack surface, each with `register(app, replies)`.

mentions.py (app_mention), threads.py (follow-ups in the bot's threads, before
messages.py's catch-all), messages.py (DMs), commands.py (the slash command),
actions.py (buttons and the feedback modal), home.py (the App Home tab), coverage.py
(files shared to add); common.py holds what they share. Bolt runs the first
listener that matches, so each surface's catch-all `acknowledge` comes after its
real listener, and the order below is the order they were always registered in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.request import BoltRequest

from bot.core import Engine
from bot.settings import Settings
from bot.slack.listeners import actions, commands, coverage, home, mentions, messages, threads
from bot.slack.listeners.common import Conversations, Replies, log
from bot.slack.memory import Memory, RedisMemory, memory_for
from bot.slack.origin import answer_url_allowed, foreign, response_urls


def register(app: App, settings: Settings, engine: Engine, memory: Memory | None = None) -> None:
    """Attach the listeners. Bolt runs the first listener that matches, so the plain
    `acknowledge` ones catch what Crosscheck ignores (bots, edits, joins) with a 200."""
    memory = memory or memory_for(settings)  # Redis when configured: shared by every worker

    @app.middleware
    def only_this_installation(
        body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """Requests for another workspace or app, or whose response_url is not Slack's, get 403
        and nothing is sent anywhere."""
        why = foreign(body, context, settings.slack_app_id)
        if why is None and not all(
            answer_url_allowed(u, settings.slack_api_url) for u in response_urls(body)
        ):
            why = "its response_url is not on Slack's hosts"
        if why:
            log.warning("Refused a request from Slack: %s", why)
            return BoltResponse(status=403, body="")
        return next()

    @app.middleware  # Bolt passes arguments by name: `next` must be called that, shadowing the builtin
    def answer_each_request_once(
        body: dict[str, Any], request: BoltRequest, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        """An event by its event_id, a command or click by its trigger_id: Slack's retries and
        replays of the same signed request are acknowledged and not answered again."""
        key = request_key(body)
        retries = request.headers.get("x-slack-retry-num") or []
        retry = retries[0] if retries else None
        if key and not memory.first_time(key):
            log.info("Slack sent %s again (retry %s); it was answered already", key, retry)
            return BoltResponse(status=200, body="")
        if retry:  # first seen here: the original never arrived (a restart, a network fault)
            log.info("Answering %s from Slack's retry %s", key, retry)
        return next()

    shared = memory.client if isinstance(memory, RedisMemory) else None  # follow-ups across workers too
    replies = Replies(settings, engine, Conversations(client=shared))
    for surface in (mentions, threads, messages, commands, actions, home, coverage):
        surface.register(app, replies)


def request_key(body: dict[str, Any]) -> str | None:
    """What makes a request the same one again: an event's event_id, a command's or an
    interaction's trigger_id (unique to each invocation); None for anything else."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None
