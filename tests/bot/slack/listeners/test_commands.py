"""`/crosscheck` subcommands, driven as Slack drives them: signed requests to the app, the reply
read from the fake response URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.listeners.commands import SUBCOMMANDS, subcommand
from bot.slack.web import create_app
from tests.bot.slack.fake_slack import FakeSlack, SlackSender, message_text, serving, slack_settings


def reply_to(sender: SlackSender, slack: FakeSlack, text: str) -> dict:
    url = slack.response_url()
    reply = sender.command(text, url)
    assert reply.status == 200 and reply.seconds < 3, f"expected an ack within 3 s, got {reply}"
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    assert len(posts) == 1, f"expected one reply to {text!r}, got {len(posts)}"
    return posts[0].body


@pytest.mark.parametrize("text", ["disagreements", "DISAGREEMENTS", " digest "])
def test_disagreements_shows_the_digest_only_to_the_asker(
    sender: SlackSender, slack: FakeSlack, text: str
) -> None:
    message = reply_to(sender, slack, text)
    assert message["response_type"] == "ephemeral", f"got {message['response_type']!r}"
    shown = message_text(message)
    for part in ["Where the sources disagree", "3 facts the articles differ on", "Killed in Baghdad",
                 "Date of the attack in Jordan", "Injured in Jordan"]:  # fmt: skip
        assert part in shown, f"expected {part!r} in the reply to {text!r}, got:\n{shown}"
    assert len(message["blocks"]) <= blocks.MAX_BLOCKS


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sources say how many were killed in Baghdad?", "*Question:* sources say"),
     ("disagreements about how many were killed in Baghdad?", "*Question:*")],
)  # fmt: skip
def test_a_subcommand_word_followed_by_more_is_a_question(
    sender: SlackSender, slack: FakeSlack, text: str, expected: str
) -> None:
    shown = message_text(reply_to(sender, slack, text))
    assert expected in shown and "Where the sources disagree" not in shown, f"got:\n{shown}"


def test_answers_to_the_command_carry_the_feedback_buttons(sender: SlackSender, slack: FakeSlack) -> None:
    message = reply_to(sender, slack, "how many were killed in Baghdad?")
    actions = {e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}
    expected = {blocks.SHARE_ACTION, blocks.HELPFUL_ACTION, blocks.WRONG_ACTION}
    assert expected <= actions, f"expected {expected}, got {actions}"


def test_disagreements_with_a_broken_digest_config_says_what_to_fix(
    slack: FakeSlack, settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "digest.toml").write_text("counts = 'not a table", encoding="utf-8")
    app_settings = slack_settings(settings, slack, config_dir=config)
    with serving(create_app(app_settings, Engine(app_settings))) as url:
        shown = message_text(reply_to(SlackSender(url + "/slack/events"), slack, "disagreements"))
    assert "The disagreement digest is not set up" in shown and "digest.toml" in shown, f"got:\n{shown}"


@pytest.mark.parametrize(
    ("text", "word", "rest"),
    [("help", "help", ""), ("Sources", "sources", ""), ("digest", "disagreements", ""),
     ("sources of the toll?", None, None), ("how many died?", None, None)],
)  # fmt: skip
def test_subcommand_dispatch(text: str, word: str | None, rest: str | None) -> None:
    found = subcommand(text)
    if word is None:
        assert found is None, f"expected {text!r} read as a question, got {found}"
        return
    assert found is not None and found == (SUBCOMMANDS[word], rest), f"expected {word!r}, got {found}"
