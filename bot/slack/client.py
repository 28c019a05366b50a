"""Talking to Slack's Web API: the client and webhook replies, with bounded retries.

Every call to Slack retries on rate limits (after Retry-After), server errors and
lost connections, and never logs a token or a response_url. Retries are bounded
so that Slack's back-pressure never holds the answering threads: a Retry-After
longer than RETRY_AFTER_MAX_SECONDS is not waited for, each call times out after
HTTP_TIMEOUT seconds, and no retry starts past the answer's deadline (set per
answer with `deadline()`, ANSWER_SECONDS on the answering pool). An answer that
could not be delivered is followed, once Slack may take it, by a short notice
saying so (`late_notices`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient

from bot.settings import Settings
from bot.slack.blocks import Message

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 5  # seconds, for each call to Slack (they take well under one)
RETRY_AFTER_MAX_SECONDS = 3  # a longer Retry-After is not waited for: the answer fails, a notice follows
ANSWER_SECONDS = 15  # from the start of an answer, after which no retry starts
LATE_NOTICE = "Sorry, Slack was too busy to take my answer in time. Please ask again in a minute."
LATE_NOTICE_SECONDS = 10  # after a failure without Retry-After; with one, after it (at most 60 s)
LATE_NOTICE_MAX_SECONDS = 60
LATE_NOTICES_PENDING = 50  # beyond this many waiting notices, more are dropped (and logged)

_deadline: ContextVar[float | None] = ContextVar("crosscheck_slack_deadline", default=None)


@contextmanager
def deadline(seconds: float = ANSWER_SECONDS) -> Iterator[None]:
    """Within the block (one answer), no retry to Slack starts later than `seconds` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float:
    """Seconds before the current answer's deadline (infinite outside `deadline()`)."""
    end = _deadline.get()
    return math.inf if end is None else end - time.monotonic()


def retry_after(headers: Any) -> float | None:
    """The Retry-After of a response's headers (slack_sdk's dict of lists, or of strings), in seconds."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(first))
            except (TypeError, ValueError):
                return None
    return None


class _CappedRateLimit(RateLimitErrorRetryHandler):
    """Retries a 429 only when its Retry-After is short and the answer's deadline allows it."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        wait = retry_after(response.headers if response else None)
        wait = 1.0 if wait is None else wait
        if wait > RETRY_AFTER_MAX_SECONDS or wait + 1 >= time_left():  # slack_sdk adds up to 1 s
            log.warning("Slack asked to wait %.0f s before retrying; not waiting, the answer fails", wait)
            return False
        return True


class _BoundedServerError(ServerErrorRetryHandler):
    """slack_sdk's retry of 500/503, unless its back-off would run past the answer's deadline."""

    def _can_retry(self, *, state: RetryState, **kwargs: Any) -> bool:
        wait = self.interval_calculator.calculate_sleep_duration(state.current_attempt)
        return wait < time_left() and super()._can_retry(state=state, **kwargs)


class _BoundedConnectionError(ConnectionErrorRetryHandler):
    """slack_sdk's retry of lost connections, unless its back-off would run past the deadline."""

    def _can_retry(self, *, state: RetryState, **kwargs: Any) -> bool:
        wait = self.interval_calculator.calculate_sleep_duration(state.current_attempt)
        return wait < time_left() and super()._can_retry(state=state, **kwargs)


def retry_handlers() -> list[RetryHandler]:
    """Retries for calls to Slack: rate limits (a short Retry-After), 500/503, lost connections,
    none past the answer's deadline."""
    return [
        _CappedRateLimit(max_retry_count=2),
        _BoundedServerError(max_retry_count=2),
        _BoundedConnectionError(max_retry_count=2),
    ]


class LateNotices:
    """Notices, sent a while after an answer could not be delivered, that it was not.

    Each waits on a timer thread of its own (never on the answering pool), as long
    as Slack's Retry-After said or LATE_NOTICE_SECONDS; at most
    LATE_NOTICES_PENDING wait at once.
    """

    def __init__(self, pending: int = LATE_NOTICES_PENDING) -> None:
        self._slots = threading.BoundedSemaphore(pending)
        self._timers: set[threading.Timer] = set()
        self._lock = threading.Lock()

    def schedule(self, send: Callable[[], object], wait: float | None) -> None:
        """Run `send` (which must not raise) after `wait` seconds (None: LATE_NOTICE_SECONDS)."""
        if not self._slots.acquire(blocking=False):
            log.warning("Too many answers could not be delivered; this one gets no notice")
            return
        delay = min(LATE_NOTICE_MAX_SECONDS, LATE_NOTICE_SECONDS if wait is None else wait + 1)

        def run() -> None:
            try:
                with deadline():
                    send()
            finally:
                self._done(timer)

        timer = threading.Timer(delay, run)
        timer.name, timer.daemon = "crosscheck-late-notice", True
        with self._lock:
            self._timers.add(timer)
        timer.start()

    def _done(self, timer: threading.Timer) -> None:
        with self._lock:
            if timer in self._timers:
                self._timers.discard(timer)
                self._slots.release()

    def cancel_all(self) -> None:
        """Drop every notice still waiting (at shutdown; between tests)."""
        with self._lock:
            timers = list(self._timers)
        for timer in timers:
            timer.cancel()
            self._done(timer)


late_notices = LateNotices()


def secret(value: Any) -> str:
    """The plain value of a secret setting ("" when unset)."""
    return value.get_secret_value() if value is not None else ""


def secrets(settings: Settings) -> list[str]:
    """The secrets among the settings (Slack's, the Redis URL), for the logs to blank out."""
    return [
        secret(s)
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.redis_url,
        )
    ]


def web_client(settings: Settings) -> WebClient:
    """The Slack Web API client: SLACK_BOT_TOKEN, SLACK_API_URL, slack_sdk's retry handlers."""
    return WebClient(
        token=secret(settings.slack_bot_token),
        base_url=settings.slack_api_url,
        timeout=HTTP_TIMEOUT,
        retry_handlers=retry_handlers(),
    )


def respond(response_url: str | None, message: Message, *, notice: bool = True) -> bool:
    """Send a message to a response_url (with the bounded retries); True when Slack took it.

    When Slack is too busy (429, 5xx) or cannot be reached in time, and the message
    has text (an answer, not a deletion), a notice follows later unless `notice` is
    False. The URL itself is never logged: for 30 minutes it lets anyone post as the app.
    """
    if not response_url:
        log.warning("Slack sent no response_url; the reply was dropped")
        return False
    wait: float | None = None
    try:
        reply = WebhookClient(response_url, timeout=HTTP_TIMEOUT, retry_handlers=retry_handlers()).send_dict(
            message
        )
    except OSError as exc:  # timed out, refused, unreachable
        log.warning("Could not reach Slack's response_url: %s", exc)
    except Exception:
        log.exception("Could not reach Slack's response_url")
    else:
        if reply.status_code == 200:
            return True
        log.warning(
            "Slack refused a reply to a response_url: HTTP %s %s", reply.status_code, reply.body[:200]
        )
        if reply.status_code != 429 and reply.status_code < 500:  # expired or invalid: no notice either
            return False
        wait = retry_after(reply.headers)
    if notice and message.get("text"):
        late = {"text": LATE_NOTICE, "response_type": "ephemeral", "replace_original": False}
        late_notices.schedule(lambda: respond(response_url, late, notice=False), wait)
    return False
