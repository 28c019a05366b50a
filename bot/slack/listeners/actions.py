"""The buttons under an answer: "Share in channel", "Show all sources", "Helpful" and
"Something's wrong" (with its modal)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import Answer
from bot.core.feedback import FeedbackError, FeedbackStore
from bot.slack import blocks, views
from bot.slack.client import respond
from bot.slack.listeners.common import Replies, acknowledge, action_of

log = logging.getLogger(__name__)

STALE_BUTTON = "This button belongs to a message I can no longer read; please ask the question again."


def register(app: App, replies: Replies) -> None:
    """The listeners for the block actions blocks.py puts under an answer, and the feedback modal."""
    store = FeedbackStore(replies.settings.feedback_db)

    def share(body: dict[str, Any]) -> None:
        """The "Share in channel" button: the answer for everyone, and the private copy removed."""
        url, question, user = action_of(body)
        answer = replies.answer(question)
        if isinstance(answer, Answer):
            message = blocks.answer_message(
                answer, n_articles=replies.n_articles(), shared_by=user, feedback=True
            )
            if respond(url, {**message, "response_type": "in_channel", "replace_original": False}):
                respond(url, {"delete_original": True})
        else:
            respond(url, {**answer, "response_type": "ephemeral", "replace_original": False})

    def show_all(body: dict[str, Any]) -> None:
        """The "Show all sources" button: every source, only to the one who clicked, in as many
        messages as the limits need."""
        url, question, _ = action_of(body)
        answer = replies.answer(question)
        pages = (
            blocks.answer_pages(answer, n_articles=replies.n_articles())
            if isinstance(answer, Answer)
            else [answer]
        )
        for page in pages:
            respond(url, {**page, "response_type": "ephemeral", "replace_original": False, **_thread(body)})

    def helpful(body: dict[str, Any]) -> None:
        """The "Helpful" button: stored at once, and thanked, only to the one who clicked."""
        _, value, user = action_of(body)
        question, shown = blocks.read_feedback_value(value)
        if not question:
            _tell(body, STALE_BUTTON)
            return
        try:
            store.add(user or "unknown", question, shown, "helpful")
        except FeedbackError as exc:
            log.error("Feedback not stored: %s", exc)
            _tell(body, "Sorry, your feedback could not be saved; it has been logged.")
            return
        _tell(body, "Thanks: noted that this answer helped.")

    def something_wrong(body: dict[str, Any], client: WebClient) -> None:
        """The "Something's wrong" button: the feedback modal, opened with the click's trigger_id
        (which Slack honours for 3 seconds)."""
        question, shown = blocks.read_feedback_value(action_of(body)[1])
        if not question:
            _tell(body, STALE_BUTTON)
            return
        try:
            client.views_open(
                trigger_id=body.get("trigger_id") or "", view=views.feedback_modal(question, shown)
            )
            return
        except SlackApiError as exc:
            log.warning("Slack did not open the feedback form: %s", exc.response.get("error"))
        except Exception:
            log.exception("Could not open the feedback form")
        _tell(body, "Sorry, I could not open the feedback form. Please click *Something's wrong* again.")

    def submit_feedback(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The modal's Send: stored with the question, the answer shown, the user and the time.

        Stored before the acknowledgement rather than on the pool, unlike every other listener:
        it is one local SQLite insert, and only an acknowledgement can keep the modal open with
        an error (empty text, a database that cannot be written) so nothing typed is lost.
        """
        comment = views.comment_of(view).strip()
        if not comment:
            ack(response_action="errors", errors={views.COMMENT_BLOCK: "Say what is wrong, in a few words."})
            return
        question, shown = blocks.read_feedback_value(view.get("private_metadata") or "")
        user = (body.get("user") or {}).get("id") or "unknown"
        try:
            store.add(user, question or "(unknown)", shown or "(unknown)", "wrong", comment)
        except FeedbackError as exc:
            log.error("Feedback not stored: %s", exc)
            retry = "Could not save this just now; please try Send again."
            ack(response_action="errors", errors={views.COMMENT_BLOCK: retry})
            return
        ack(response_action="update", view=views.feedback_thanks())

    app.action(blocks.SHARE_ACTION)(ack=acknowledge, lazy=[share])
    app.action(blocks.SHOW_ALL_ACTION)(ack=acknowledge, lazy=[show_all])
    app.action(blocks.HELPFUL_ACTION)(ack=acknowledge, lazy=[helpful])
    app.action(blocks.WRONG_ACTION)(ack=acknowledge, lazy=[something_wrong])
    app.view(views.FEEDBACK_CALLBACK)(submit_feedback)


def _tell(body: dict[str, Any], text: str) -> None:
    """A short note only the clicker sees, beside the clicked message (in its thread, if any)."""
    message = blocks.notice_message(text)
    respond(body.get("response_url"), {**message, "response_type": "ephemeral", "replace_original": False,
                                       **_thread(body)})  # fmt: skip


def _thread(body: dict[str, Any]) -> dict[str, str]:
    """{"thread_ts": ...} when the clicked message is in a thread, so a reply lands beside it."""
    thread = (body.get("container") or {}).get("thread_ts") or (body.get("message") or {}).get("thread_ts")
    return {"thread_ts": thread} if thread else {}
