"""Talking to Slack's Web API: the client and webhook replies, with slack_sdk's retry handlers.

Every call to Slack retries on rate limits (after Retry-After), server errors and
lost connections, and never logs a token or a response_url.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings
from bot.slack.blocks import Message

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 10  # seconds, for each call to Slack


def retry_handlers() -> list[RetryHandler]:
    """slack_sdk's retries for calls to Slack: rate limits (after Retry-After), 500/503, lost connections."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
        ConnectionErrorRetryHandler(max_retry_count=2),
    ]


def secret(value: Any) -> str:
    """The plain value of a secret setting ("" when unset)."""
    return value.get_secret_value() if value is not None else ""


def secrets(settings: Settings) -> list[str]:
    """The Slack secrets among the settings, for the logs to blank out."""
    return [
        secret(s) for s in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    ]


def web_client(settings: Settings) -> WebClient:
    """The Slack Web API client: SLACK_BOT_TOKEN, SLACK_API_URL, slack_sdk's retry handlers."""
    return WebClient(
        token=secret(settings.slack_bot_token),
        base_url=settings.slack_api_url,
        timeout=HTTP_TIMEOUT,
        retry_handlers=retry_handlers(),
    )


def respond(response_url: str | None, message: Message) -> bool:
    """Send a message to a response_url (with slack_sdk's retry handlers); True when Slack took it.

    The URL itself is never logged: for 30 minutes it lets anyone post as the app.
    """
    if not response_url:
        log.warning("Slack sent no response_url; the reply was dropped")
        return False
    try:
        reply = WebhookClient(response_url, timeout=HTTP_TIMEOUT, retry_handlers=retry_handlers()).send_dict(
            message
        )
    except Exception:
        log.exception("Could not reach Slack's response_url")
        return False
    if reply.status_code != 200:
        log.warning(
            "Slack refused a reply to a response_url: HTTP %s %s", reply.status_code, reply.body[:200]
        )
        return False
    return True
