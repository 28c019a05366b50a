"""What the listeners share: the matchers, and replying.

Errors are caught here at the edge: logged with their traceback, and the user
gets a kind reply. (What was answered already is remembered in bot/slack/memory.py.)
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import Answer, Engine, QuestionError
from bot.core.digest import Digest, DigestError, digest
from bot.core.followup import FollowUp, combine
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.client import LATE_NOTICE, late_notices, retry_after

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

# Follow-ups: the last question answered in each thread (and DM), for a day, at most this many.
CONVERSATION_SECONDS = 24 * 3600
CONVERSATION_SIZE = 10_000
CONVERSATION_PREFIX = "crosscheck:thread:"
# A question is cut to CROSSCHECK_MAX_QUESTION_CHARS after its Slack markup is resolved; the
# raw message is cut first, to this many times that, so markup (`<@U123|name>` is 12 characters
# for one word) still fits while a 40,000-character message of unclosed `<@` never reaches the
# markup patterns, which take time growing with the square of such a run.
RAW_CHARS_PER_QUESTION_CHAR = 4
SORRY = (
    "Sorry, something went wrong on my side while answering, and it has been logged. "
    "Please try again in a minute; if it keeps happening, tell whoever runs Crosscheck."
)


class Conversations:
    """The last question answered in each conversation (a channel's thread, a DM), so a reply
    such as "and in Syria?" is read with it.

    Bounded (CONVERSATION_SIZE conversations, CONVERSATION_SECONDS each). In this process's
    memory, and also in Redis when the app shares its request memory there (`client`), so a
    reply reaching another worker is still read with its thread's question. Without Redis a
    restart forgets them, and a follow-up then is answered as a question of its own.
    Fetching the thread back (conversations.replies) is not an option that scales: Slack
    limits that call to a request a minute for apps outside its Marketplace.
    """

    def __init__(
        self,
        seconds: float = CONVERSATION_SECONDS,
        size: int = CONVERSATION_SIZE,
        client: redis.Redis | None = None,
    ) -> None:
        self.seconds, self.size, self.client = seconds, size, client
        self._last: OrderedDict[tuple[str, str], tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._failing = False

    def remember(self, channel: str, thread: str, question: str) -> None:
        with self._lock:
            self._last.pop((channel, thread), None)
            self._last[(channel, thread)] = (time.monotonic(), question)
            while len(self._last) > self.size:
                self._last.popitem(last=False)
        self._shared(lambda c: c.set(self._key(channel, thread), question.encode(), ex=int(self.seconds)))

    def previous(self, channel: str, thread: str) -> str | None:
        """The last question answered in the conversation, or None (none, or forgotten)."""
        shared = self._shared(lambda c: c.get(self._key(channel, thread)))
        if isinstance(shared, bytes):
            return shared.decode("utf-8", "replace")
        with self._lock:
            found = self._last.get((channel, thread))
            if found is None or found[0] < time.monotonic() - self.seconds:
                return None
            return found[1]

    @staticmethod
    def _key(channel: str, thread: str) -> str:
        return f"{CONVERSATION_PREFIX}{channel}:{thread}"

    def _shared(self, call: Callable[[redis.Redis], Any]) -> Any:
        """`call(client)` on Redis; None without Redis or when it cannot be reached (warned once)."""
        if self.client is None:
            return None
        try:
            found = call(self.client)
        except Exception as exc:  # redis.RedisError and its connection errors
            if not self._failing:
                log.warning("Redis cannot be reached (%s); follow-ups are remembered in this process", exc)
            self._failing = True
            return None
        self._failing = False
        return found


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


class Replies:
    """What every lazy listener does: answer on the pool, render, send, and catch its own errors
    (Bolt would log a lazy listener's exception without its traceback, and the user would hear
    nothing)."""

    def __init__(
        self, settings: Settings, engine: Engine, conversations: Conversations | None = None
    ) -> None:
        self.settings, self.engine = settings, engine
        self.conversations = conversations or Conversations()

    def n_articles(self) -> int | None:
        """How many articles the index holds, or None when that cannot be told right now."""
        try:
            return len(self.engine.index.articles)
        except Exception:  # the answer already went through; the count is a nicety
            return None

    def answer(self, question: str) -> Answer | blocks.Message:
        """The engine's answer, or the message to send instead (usage, the question's problem, sorry)."""
        if not question.strip():
            return blocks.help_message(self.settings.slash_command)
        question = question[: self.settings.max_question_chars * RAW_CHARS_PER_QUESTION_CHAR]
        try:
            # Waits while the index is still loading at start-up rather than failing.
            return self.engine.answer(question)
        except QuestionError as exc:
            return blocks.notice_message(str(exc))
        except Exception:
            log.exception("Could not answer the question %r", question[:300])
            return blocks.notice_message(SORRY)

    def reply(self, question: str, share: bool = False, reading: str | None = None) -> blocks.Message:
        """The message answering a question (with a Share button when `share`), with the
        Helpful / Something's wrong buttons; `reading` (how a follow-up was read) leads its notes."""
        answer = self.answer(question)
        if not isinstance(answer, Answer):
            return answer
        if reading:
            answer = answer.model_copy(update={"notices": [reading, *answer.notices]})
        return blocks.answer_message(answer, n_articles=self.n_articles(), share=share, feedback=True)

    def follow_up(self, channel: str, thread: str, text: str) -> FollowUp:
        """`text` read with the conversation's last question when it is a follow-up to it."""
        previous = self.conversations.previous(channel, thread)
        if previous is None:
            return FollowUp(text)
        try:
            return combine(previous, text, self.engine.index)
        except Exception:  # answered as it stands; the answer reports any problem with the index
            log.exception("Could not read %r as a follow-up", text[:300])
            return FollowUp(text)

    def reply_in(
        self, channel: str, thread: str, text: str, follow: FollowUp | None = None
    ) -> blocks.Message:
        """The reply to `text` in a conversation (channel and thread; "" for a DM's own flow):
        read as a follow-up where it is one (the reply says how), and remembered as the
        conversation's question for the next follow-up."""
        follow = follow or self.follow_up(channel, thread, text)
        if follow.question.strip():
            self.conversations.remember(channel, thread, follow.question)
        return self.reply(follow.question, reading=follow.reading)

    def digest(self) -> Digest | str:
        """The disagreement digest of the current index, or what to tell the user instead."""
        try:
            return digest(self.engine)
        except DigestError as exc:
            log.error("No digest: %s", exc)
            return f"The disagreement digest is not set up: {exc}"
        except Exception:
            log.exception("Could not compute the disagreement digest")
            return SORRY

    @classmethod
    def post(
        cls,
        client: WebClient,
        channel: str,
        message: blocks.Message,
        thread_ts: str | None,
        notice: bool = True,
    ) -> None:
        """Post a message with chat.postMessage; a refusal or failure is logged, never raised.

        When Slack is too busy (429, 5xx) or out of reach in time, a short notice that the
        answer could not be delivered follows once Slack may take it (unless `notice` is False).
        """
        wait: float | None = None
        try:
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, text=message["text"], blocks=message.get("blocks"),
                unfurl_links=False, unfurl_media=False,
            )  # fmt: skip
            return
        except SlackApiError as exc:
            log.warning("Slack refused the answer for %s: %s", channel, exc.response.get("error"))
            status = exc.response.status_code
            if status != 429 and status < 500:  # not allowed there: a notice would be refused too
                return
            wait = retry_after(exc.response.headers)
        except OSError as exc:  # timed out, refused, unreachable
            log.warning("Could not post the answer to %s: %s", channel, exc)
        except Exception:
            log.exception("Could not post the answer to %s", channel)
            return
        if notice:
            late = {"text": LATE_NOTICE}
            late_notices.schedule(lambda: cls.post(client, channel, late, thread_ts, notice=False), wait)


def action_of(body: dict[str, Any]) -> tuple[str | None, str, str | None]:
    """(response_url, the button's value, the clicking user's id) of a block_actions payload."""
    actions = body.get("actions") or [{}]
    return body.get("response_url"), str(actions[0].get("value") or ""), (body.get("user") or {}).get("id")
