"""Helpful / Something's wrong under answers, and the feedback modal, driven as Slack drives them:
signed clicks and view submissions, the fake Slack recording views.open and the replies, and the
verdicts read back from the SQLite store."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.core.engine import Engine
from bot.core.feedback import FeedbackStore
from bot.settings import Settings
from bot.slack import blocks, views
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import (
    API_APP_ID,
    TEAM_ID,
    VERIFICATION_TOKEN,
    FakeSlack,
    Reply,
    SlackSender,
    message_text,
    serving,
    slack_settings,
)

QUESTION = "how many were killed in Baghdad?"
SHOWN = "Sources disagree: 3 (3 articles); 1 (1 article)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "feedback" / "verdicts.sqlite3"


@pytest.fixture
def app_url(slack: FakeSlack, settings: Settings, engine: Engine, db: Path) -> Iterator[str]:
    """The app with its feedback database in tmp_path (overrides conftest's app_url)."""
    with serving(create_app(slack_settings(settings, slack, feedback_db=db), engine)) as url:
        yield url


def submit(sender: SlackSender, metadata: str, comment: str | None, user: str = "U0000007") -> Reply:
    """A view_submission of the feedback modal, as Slack posts it."""
    state = {views.COMMENT_BLOCK: {views.COMMENT_ACTION: {"type": "plain_text_input", "value": comment}}}
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": f"{time.monotonic_ns()}.trigger",
        "view": {
            "id": "V0000001", "type": "modal", "team_id": TEAM_ID, "app_id": API_APP_ID,
            "callback_id": views.FEEDBACK_CALLBACK, "private_metadata": metadata,
            "state": {"values": state}, "hash": "1.abc",
        },
        "response_urls": [],
    }  # fmt: skip
    return sender.post(
        urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
    )


def test_helpful_is_stored_with_the_question_answer_user_and_time_and_thanked(
    sender: SlackSender, slack: FakeSlack, db: Path
) -> None:
    url = slack.response_url()
    before = time.strftime("%Y-%m-%dT%H:%M", time.gmtime())
    reply = sender.click(blocks.HELPFUL_ACTION, blocks.feedback_value(QUESTION, SHOWN), url,
                         user="U0000042", thread_ts="1700000000.000100")  # fmt: skip
    assert reply.status == 200 and reply.seconds < 3, f"expected an ack within 3 s, got {reply}"
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    assert len(posts) == 1, f"expected one thank-you, got {len(posts)}"
    thanks = posts[0].body
    assert "noted that this answer helped" in message_text(thanks), f"got {thanks!r}"
    assert thanks["response_type"] == "ephemeral" and thanks["replace_original"] is False, f"got {thanks!r}"
    assert thanks["thread_ts"] == "1700000000.000100", "expected the thanks in the answer's thread"
    stored = FeedbackStore(db).all()
    assert [(e.user, e.question, e.answer, e.verdict) for e in stored] == [
        ("U0000042", QUESTION, SHOWN, "helpful")
    ], f"got {stored}"
    assert stored[0].at >= before, f"expected the time of the click, got {stored[0].at}"


def test_somethings_wrong_opens_the_modal_with_the_clicks_trigger_id(
    sender: SlackSender, slack: FakeSlack
) -> None:
    url = slack.response_url()
    sender.click(blocks.WRONG_ACTION, blocks.feedback_value(QUESTION, SHOWN), url)
    opened = slack.wait_for(lambda: slack.posts("views.open"))
    assert len(opened) == 1, f"expected one views.open, got {len(opened)}"
    call = opened[0].body
    assert call["trigger_id"].endswith(".trigger"), f"expected the click's trigger_id, got {call!r}"
    view = call["view"]
    assert view["callback_id"] == views.FEEDBACK_CALLBACK
    assert blocks.read_feedback_value(view["private_metadata"]) == (QUESTION, SHOWN)
    assert "*Answer shown:* Sources disagree: 3" in message_text(view), f"got:\n{message_text(view)}"
    slack.settle(0.3)
    assert not slack.hook_posts(url), "expected no message besides the modal"


def test_the_modal_is_stored_with_its_text_and_then_thanks(sender: SlackSender, db: Path) -> None:
    metadata = blocks.feedback_value(QUESTION, SHOWN, views.PRIVATE_METADATA_LIMIT)
    reply = submit(sender, metadata, "  The Reuters piece says 5, not 3.  ")
    assert reply.status == 200, f"got {reply}"
    body = reply.json()
    assert body["response_action"] == "update", f"expected the modal replaced by a thank-you, got {body}"
    View(**body["view"]).to_dict()  # within Slack's limits
    stored = FeedbackStore(db).all()
    assert [(e.user, e.question, e.answer, e.verdict, e.comment) for e in stored] == [
        ("U0000007", QUESTION, SHOWN, "wrong", "The Reuters piece says 5, not 3.")
    ], f"got {stored}"


@pytest.mark.parametrize("comment", ["", "   \n ", None])
def test_the_modal_without_text_keeps_it_open_with_an_error_and_stores_nothing(
    sender: SlackSender, db: Path, comment: str | None
) -> None:
    reply = submit(sender, blocks.feedback_value(QUESTION, SHOWN), comment)
    body = reply.json()
    assert body["response_action"] == "errors" and views.COMMENT_BLOCK in body["errors"], f"got {body}"
    assert not db.exists() or not FeedbackStore(db).all(), "expected nothing stored"


def test_a_database_that_cannot_be_written_keeps_the_modal_open_and_says_so(
    slack: FakeSlack, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app_settings = slack_settings(settings, slack, feedback_db=blocker / "feedback.sqlite3")
    with serving(create_app(app_settings, engine)) as base:
        sender = SlackSender(base + "/slack/events")
        body = submit(sender, blocks.feedback_value(QUESTION, SHOWN), "wrong number").json()
        assert body["response_action"] == "errors", f"expected the modal kept open, got {body}"
        assert "try Send again" in body["errors"][views.COMMENT_BLOCK]
        url = slack.response_url()
        sender.click(blocks.HELPFUL_ACTION, blocks.feedback_value(QUESTION, SHOWN), url)
        shown = message_text(slack.wait_for(lambda: slack.hook_posts(url))[0].body)
    assert "could not be saved" in shown, f"expected the click told it was not saved, got:\n{shown}"


@pytest.mark.parametrize("action", [blocks.HELPFUL_ACTION, blocks.WRONG_ACTION])
def test_a_button_with_a_value_that_is_not_ours_says_to_ask_again(
    sender: SlackSender, slack: FakeSlack, db: Path, action: str
) -> None:
    url = slack.response_url()
    sender.click(action, "not json at all", url)
    shown = message_text(slack.wait_for(lambda: slack.hook_posts(url))[0].body)
    assert "please ask the question again" in shown, f"got:\n{shown}"
    assert not slack.posts("views.open") and (not db.exists() or not FeedbackStore(db).all())


def test_a_modal_slack_will_not_open_is_reported_to_the_clicker(
    sender: SlackSender, slack: FakeSlack
) -> None:
    slack.fail("/api/views.open", 400)  # slack_sdk raises SlackApiError; 400 is not retried
    url = slack.response_url()
    sender.click(blocks.WRONG_ACTION, blocks.feedback_value(QUESTION, SHOWN), url)
    shown = message_text(slack.wait_for(lambda: slack.hook_posts(url))[0].body)
    assert "could not open the feedback form" in shown, f"got:\n{shown}"


@pytest.mark.parametrize(
    ("question", "shown"),
    [(QUESTION, SHOWN), ("q" * 4000, "a" * 4000), ("<!channel> *x*", "&<>" * 900), ("", "")],
    ids=["plain", "long", "markup", "empty"],
)
def test_the_feedback_modal_is_within_slacks_limits(question: str, shown: str) -> None:
    modal = views.feedback_modal(question, shown)
    View(**modal).to_dict()  # title, submit, close <= 24; private_metadata <= 3000; blocks <= 100
    assert len(modal["title"]["text"]) <= views.TITLE_LIMIT
    assert len(modal["private_metadata"]) <= views.PRIVATE_METADATA_LIMIT
    section = modal["blocks"][0]["text"]["text"]
    assert len(section) <= blocks.SECTION_TEXT_LIMIT and "<!channel>" not in section, section[:200]
    field = modal["blocks"][1]["element"]
    assert field["max_length"] <= 3000 and len(field["placeholder"]["text"]) <= 150
