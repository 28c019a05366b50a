"""The Slack front end: builds the Bolt App and registers its listeners.

What users get: `@Crosscheck QUESTION` in a channel is answered in a thread under
the question, a direct message in the DM, and `/crosscheck QUESTION` through its
response_url, shown only to the asker with a "Share in channel" button
(`/crosscheck help`, `/crosscheck sources`). Answers come from `Engine.answer`,
messages from `bot/render.py`, calls to Slack from `bot/slack_client.py`; running it
(HTTP or Socket Mode) is `bot/serve.py`, and the HTTP entry point `bot/web.py`.

Slack wants every request acknowledged within 3 seconds. Each listener's ack
function only acknowledges, in the request's own thread (process_before_response),
and the answering runs as a Bolt lazy listener on a thread pool, so an ack never
waits for an answer, the index or a busy pool. Event ids are remembered so a
retried or repeated event is answered once. Errors are caught here at the edge:
logged with their traceback, and the user gets a kind reply.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import render
from bot.answer import Engine, QuestionError
from bot.models import Answer
from bot.settings import Settings, SettingsError
from bot.slack_client import respond, secret, web_client

log = logging.getLogger(__name__)

# Answering is a few milliseconds of CPU; most of a reply's time is the call to
# Slack, so a few threads keep replies flowing without starving the acks.
ANSWER_THREADS = 8
# Slack retries an event after about 0 s, 1 min and 5 min; an hour covers them all.
EVENT_MEMORY_SECONDS = 3600
EVENT_MEMORY_SIZE = 10_000
SORRY = (
    "Sorry, something went wrong on my side while answering, and it has been logged. "
    "Please try again in a minute; if it keeps happening, tell whoever runs Crosscheck."
)


class EventMemory:
    """Event ids seen lately, so an event Slack sends again (a retry, a duplicate) is answered once.

    In memory: one process remembers what it saw, which is why the Procfile runs
    one gunicorn worker with threads rather than several workers.
    """

    def __init__(self, seconds: float = EVENT_MEMORY_SECONDS, size: int = EVENT_MEMORY_SIZE) -> None:
        self.seconds, self.size = seconds, size
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True the first time an id is seen (and remembers it), False after."""
        now = time.monotonic()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self.size or next(iter(self._seen.values())) < now - self.seconds
            ):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


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
            listener_executor=ThreadPoolExecutor(ANSWER_THREADS, thread_name_prefix="crosscheck-answer"),
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
    _register(app, Listeners(settings, engine), EventMemory())
    return app


class _TokenSkippedWarningDropped(logging.Filter):
    """Drops Bolt's start-up warning that SLACK_BOT_TOKEN goes unused because a client was given:
    Bolt reads the variable itself, and the client it warns about holds that very token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def own_mention_removed(text: str, bot_user_id: str | None) -> str:
    """`text` without mentions of the bot itself (`<@UBOT>`, `<@UBOT|name>`); other mentions stay."""
    if not bot_user_id:
        return text
    return " ".join(re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text).split())


def from_a_person(event: dict[str, Any], context: BoltContext) -> bool:
    """Listener matcher: a plain new message by a person (no bots, no edits, joins or other subtypes)."""
    return (
        "subtype" not in event
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and bool(event.get("user"))
        and event.get("user") != context.bot_user_id
    )


def in_a_dm(event: dict[str, Any]) -> bool:
    """Listener matcher: the message is in a direct message with the bot."""
    return event.get("channel_type") == "im"


def not_in_a_dm(event: dict[str, Any]) -> bool:
    """Listener matcher: a mention outside DMs (a DM is answered by the message listener)."""
    return event.get("channel_type") != "im" and not str(event.get("channel", "")).startswith("D")


def acknowledge(ack: Ack) -> None:
    """Every listener's ack function: nothing but the acknowledgement Slack waits for."""
    ack()


def _register(app: App, listeners: Listeners, memory: EventMemory) -> None:
    """Attach the listeners. Bolt runs the first listener that matches, so the plain
    `acknowledge` ones catch what Crosscheck ignores (bots, edits, joins) with a 200."""

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

    app.event("app_mention", matchers=[from_a_person, not_in_a_dm])(ack=acknowledge, lazy=[listeners.mention])
    app.event("app_mention")(acknowledge)
    app.event("message", matchers=[from_a_person, in_a_dm])(ack=acknowledge, lazy=[listeners.direct_message])
    app.event("message")(acknowledge)
    app.command(listeners.settings.slash_command)(ack=acknowledge, lazy=[listeners.command])
    app.action(render.SHARE_ACTION)(ack=acknowledge, lazy=[listeners.share])
    app.action(render.SHOW_ALL_ACTION)(ack=acknowledge, lazy=[listeners.show_all])


class Listeners:
    """The lazy listeners: answer, render, send. Each catches its own errors (Bolt would
    log a lazy listener's exception without its traceback, and the user would hear nothing)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine

    def mention(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """`@Crosscheck QUESTION` in a channel: the answer in a thread under the question."""
        question = own_mention_removed(event.get("text") or "", context.bot_user_id)
        thread = event.get("thread_ts") or event.get("ts")
        self._post(client, event["channel"], self._reply(question), thread)

    def direct_message(self, event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """A direct message: the answer in the DM (in its thread, if it was asked in one)."""
        question = own_mention_removed(event.get("text") or "", context.bot_user_id)
        self._post(client, event["channel"], self._reply(question), event.get("thread_ts"))

    def command(self, command: dict[str, Any]) -> None:
        """`/crosscheck QUESTION | help | sources`: the reply, only to the asker, through the response_url."""
        text = (command.get("text") or "").strip()
        if text.lower() in ("", "help", "-h", "--help"):
            message = render.help_message(self.settings.slash_command)
        elif text.lower() == "sources":
            try:
                message = render.sources_message(self.engine.index.articles.values())
            except Exception:
                log.exception("Could not list the articles")
                message = render.notice_message(SORRY)
        else:
            message = self._reply(text, share=True)
        respond(command.get("response_url"), {**message, "response_type": "ephemeral"})

    def share(self, body: dict[str, Any]) -> None:
        """The "Share in channel" button: the answer for everyone, and the private copy removed."""
        url, question, user = _action(body)
        answer = self._answer(question)
        if isinstance(answer, Answer):
            message = render.answer_message(answer, n_articles=self._n_articles(), shared_by=user)
            if respond(url, {**message, "response_type": "in_channel", "replace_original": False}):
                respond(url, {"delete_original": True})
        else:
            respond(url, {**answer, "response_type": "ephemeral", "replace_original": False})

    def show_all(self, body: dict[str, Any]) -> None:
        """The "Show all sources" button: every source, only to the one who clicked, in as many
        messages as the limits need."""
        url, question, _ = _action(body)
        thread = (body.get("container") or {}).get("thread_ts") or (body.get("message") or {}).get(
            "thread_ts"
        )
        answer = self._answer(question)
        pages = (
            render.answer_pages(answer, n_articles=self._n_articles())
            if isinstance(answer, Answer)
            else [answer]
        )
        for page in pages:
            extra = {"thread_ts": thread} if thread else {}
            respond(url, {**page, "response_type": "ephemeral", "replace_original": False, **extra})

    def _n_articles(self) -> int | None:
        try:
            return len(self.engine.index.articles)
        except Exception:  # the answer already went through; the count is a nicety
            return None

    def _answer(self, question: str) -> Answer | render.Message:
        """The engine's answer, or the message to send instead (usage, the question's problem, sorry)."""
        if not question.strip():
            return render.help_message(self.settings.slash_command)
        try:
            # Waits while the index is still loading at start-up rather than failing.
            return self.engine.answer(question)
        except QuestionError as exc:
            return render.notice_message(str(exc))
        except Exception:
            log.exception("Could not answer the question %r", question[:300])
            return render.notice_message(SORRY)

    def _reply(self, question: str, share: bool = False) -> render.Message:
        answer = self._answer(question)
        if not isinstance(answer, Answer):
            return answer
        return render.answer_message(answer, n_articles=self._n_articles(), share=share)

    @staticmethod
    def _post(client: WebClient, channel: str, message: render.Message, thread_ts: str | None) -> None:
        try:
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=message["text"], blocks=message["blocks"],
                unfurl_links=False, unfurl_media=False,
            )  # fmt: skip
        except SlackApiError as exc:
            log.warning("Slack refused the answer for %s: %s", channel, exc.response.get("error"))
        except Exception:
            log.exception("Could not post the answer to %s", channel)


def _action(body: dict[str, Any]) -> tuple[str | None, str, str | None]:
    """(response_url, the button's value, the clicking user's id) of a block_actions payload."""
    actions = body.get("actions") or [{}]
    return body.get("response_url"), str(actions[0].get("value") or ""), (body.get("user") or {}).get("id")
