"""Socket Mode: `crosscheck socket` (the Procfile's worker line) against a fake Slack on loopback.

The fake hands out a ws:// URL from apps.connections.open and pushes envelopes
over it, as Slack does; the app acknowledges each envelope and answers through
the Web API and response URLs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.settings import PROJECT_ROOT, Settings
from index.store import Index
from tests.bot.slack.fake_slack import (
    API_APP_ID,
    APP_TOKEN,
    BOT_TOKEN,
    BOT_USER_ID,
    TEAM_ID,
    FakeSlack,
    message_text,
)

QUESTION = "how many were killed in Baghdad?"


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def worker(
    slack: FakeSlack, settings: Settings, index: Index, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m bot socket`, connected to the fake (the session's index is already built)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CROSSCHECK_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": slack.base_url,
        "CROSSCHECK_INDEX_DIR": str(settings.index_dir),
        "CROSSCHECK_LOG_LEVEL": "DEBUG",
        "CROSSCHECK_CONFIG_DIR": str(PROJECT_ROOT / "config"),
    }
    log = tmp_path_factory.mktemp("socket") / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert slack.wait_for_socket(60), (
            f"expected a Socket Mode connection; the log says:\n{log.read_text()}"
        )
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        output = log.read_text()
        for secret in (BOT_TOKEN, APP_TOKEN):
            assert secret not in output, "expected no token in the worker's log"


def envelope_ack(slack: FakeSlack, envelope_id: str) -> dict:
    acks = slack.wait_for(lambda: [a for a in slack.socket_acks if a.get("envelope_id") == envelope_id])
    assert acks, f"expected envelope {envelope_id} acknowledged, got {slack.socket_acks!r}"
    return acks[0]


def event(inner: dict, event_id: str) -> dict:
    return {
        "token": "t",
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": inner,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
    }


def test_socket_mode_direct_message_is_acknowledged_and_answered_in_the_dm(
    worker: subprocess.Popen[bytes], slack: FakeSlack
) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": QUESTION,
        "channel": "D0SOCKET",
        "ts": "1700000000.000100",
    }
    envelope_ack(slack, slack.send_envelope("events_api", event(dm, "Ev0SOCK01")))
    posts = slack.wait_for(lambda: [p for p in slack.posts() if p.body["channel"] == "D0SOCKET"])
    assert len(posts) == 1 and "Sources disagree: 2 answers" in message_text(posts[0].body), posts


def test_socket_mode_mention_is_answered_in_its_thread(
    worker: subprocess.Popen[bytes], slack: FakeSlack
) -> None:
    mention = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "channel": "C0SOCKET",
        "ts": "1700000000.000200",
    }
    envelope_ack(slack, slack.send_envelope("events_api", event(mention, "Ev0SOCK02")))
    posts = slack.wait_for(lambda: [p for p in slack.posts() if p.body["channel"] == "C0SOCKET"])
    assert len(posts) == 1 and posts[0].body["thread_ts"] == "1700000000.000200", posts


def test_socket_mode_slash_command_is_answered_through_its_response_url(
    worker: subprocess.Popen[bytes], slack: FakeSlack
) -> None:
    url = slack.response_url()
    command = {
        "token": "t",
        "team_id": TEAM_ID,
        "channel_id": "C1",
        "user_id": "U1",
        "command": "/crosscheck",
        "text": QUESTION,
        "api_app_id": API_APP_ID,
        "response_url": url,
        "trigger_id": "1.2",
    }
    envelope_ack(slack, slack.send_envelope("slash_commands", command, accepts_response_payload=True))
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    assert len(posts) == 1 and posts[0].body["response_type"] == "ephemeral", posts
    assert "Sources disagree: 2 answers" in message_text(posts[0].body)


def test_socket_mode_worker_stops_cleanly_on_sigterm(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0, f"expected exit code 0 on SIGTERM, got {worker.returncode}"
