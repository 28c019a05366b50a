"""The Slack front end's Bolt App: built here, its listeners registered from bot/slack/listeners/.

What users get: `@Crosscheck QUESTION` in a channel is answered in a thread under
the question, a direct message in the DM, and `/crosscheck QUESTION` through its
response_url, shown only to the asker with a "Share in channel" button
(`/crosscheck help`, `/crosscheck sources`). Answers come from `Engine.answer`,
messages from `bot/slack/blocks.py`, calls to Slack from `bot/slack/client.py`;
running it (HTTP or Socket Mode) is `bot/slack/runners.py`, and the HTTP entry
point `bot/slack/web.py`.

Slack wants every request acknowledged within 3 seconds. Each listener's ack
function only acknowledges, in the request's own thread (process_before_response),
and the answering runs as a Bolt lazy listener on a thread pool, so an ack never
waits for an answer, the index or a busy pool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.core import Engine
from bot.settings import Settings, SettingsError
from bot.slack.client import deadline, secret, web_client
from bot.slack.listeners import register

# Answering is a few milliseconds of CPU; most of a reply's time is the call to
# Slack, so a few threads keep replies flowing without starving the acks. Each
# answer has a deadline (client.ANSWER_SECONDS) past which no retry to Slack starts,
# and each call to Slack a timeout, so a slow Slack holds a thread for seconds, not minutes.
ANSWER_THREADS = 16


class AnswerPool(ThreadPoolExecutor):
    """The lazy listeners' thread pool: each task runs within its own answer deadline."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def within_deadline() -> Any:
            with deadline():
                return fn(*args, **kwargs)

        return super().submit(within_deadline)


def build_app(settings: Settings, engine: Engine, *, socket_mode: bool = False) -> App:
    """The Bolt App with Crosscheck's listeners; checks the bot token with Slack (auth.test).

    Raises SettingsError when Slack rejects the token or cannot be reached at SLACK_API_URL.
    """
    settings.require_slack(socket_mode)
    bolt_logger = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _TokenSkippedWarningDropped) for f in bolt_logger.filters):
        bolt_logger.addFilter(_TokenSkippedWarningDropped())
    try:
        app = App(
            client=web_client(settings),  # holds the bot token
            signing_secret=secret(settings.slack_signing_secret) or None,
            # Bolt's loggers take their level from this one (configure_logging keeps it at WARNING).
            logger=bolt_logger,
            # The ack function runs in the request's thread and returns at once; the
            # answering runs as lazy listeners on the pool below.
            process_before_response=True,
            listener_executor=AnswerPool(ANSWER_THREADS, thread_name_prefix="crosscheck-answer"),
            # Socket Mode requests come over Slack's own authenticated connection.
            request_verification_enabled=not socket_mode,
        )
    except BoltError as exc:  # auth.test said no
        raise SettingsError(
            f"Slack rejected SLACK_BOT_TOKEN ({exc}). Set it to the Bot User OAuth Token (xoxb-...) "
            "from your app's OAuth & Permissions page, after installing the app to the workspace."
        ) from None
    except OSError as exc:  # URLError and friends: nothing answered at SLACK_API_URL
        raise SettingsError(
            f"Cannot reach the Slack Web API at SLACK_API_URL={settings.slack_api_url} ({exc}). "
            "Check the network, or unset SLACK_API_URL to use https://slack.com/api/."
        ) from None
    register(app, settings, engine)
    return app


class _TokenSkippedWarningDropped(logging.Filter):
    """Drops Bolt's start-up warning that SLACK_BOT_TOKEN goes unused because a client was given:
    Bolt reads the variable itself, and the client it warns about holds that very token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()
