"""Requests to /slack/events that are too big, unsigned or malformed are refused before Bolt
(401, 400, 413), never with a 500 or a traceback, and huge questions are cut before markup."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.parse
from typing import Any

import pytest

from bot.core.engine import Engine
from bot.slack.listeners.common import RAW_CHARS_PER_QUESTION_CHAR
from tests.bot.slack.fake_slack import BOT_USER_ID, FakeSlack, SlackSender

QUESTION = "how many were killed in Baghdad?"


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "abc"},
        {"X-Slack-Request-Timestamp": "12e3"},
        {"X-Slack-Request-Timestamp": ""},
        {"X-Slack-Signature": ""},
    ],
    ids=["letters", "exponent", "empty-timestamp", "empty-signature"],
)
def test_guard_unsigned_or_malformed_signature_headers_get_401_without_a_traceback(
    sender: SlackSender, slack: FakeSlack, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    url = slack.response_url()
    reply = sender.post(
        sender.command_body(QUESTION, url), "application/x-www-form-urlencoded", headers=headers
    )
    assert reply.status == 401, f"expected 401, got {reply.status} {reply.body!r}"
    assert not _errors(caplog), f"expected no ERROR logged, got {_errors(caplog)}"
    slack.settle(0.5)
    assert not slack.hook_posts(url), "expected nothing answered"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("null", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ("payload=null", "application/x-www-form-urlencoded"),
    ],
    ids=["broken-json", "null", "array", "string", "broken-payload", "null-payload"],
)
def test_guard_signed_bodies_that_are_not_slack_payloads_get_400_without_a_traceback(
    sender: SlackSender, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    reply = sender.post(body, content_type)
    assert reply.status == 400, f"expected 400, got {reply.status} {reply.body!r}"
    assert not _errors(caplog), f"expected no ERROR logged, got {_errors(caplog)}"


def test_guard_a_body_over_the_limit_is_refused_with_413_before_it_is_read(app_url: str) -> None:
    """Content-Length says 50 MB but only 1 KB comes: an app reading the body before answering
    would wait for the rest and this socket would time out."""
    port = urllib.parse.urlsplit(app_url).port
    with socket.create_connection(("127.0.0.1", port or 80), timeout=10) as conn:
        conn.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"X-Slack-Request-Timestamp: " + str(int(time.time())).encode() + b"\r\n"
            b"X-Slack-Signature: v0=00\r\nContent-Length: 50000000\r\n\r\n" + b"x" * 1024
        )
        try:
            status_line = conn.recv(200).split(b"\r\n", 1)[0]
        except TimeoutError:
            status_line = b"(no answer within 10 s)"
    assert b" 413 " in status_line + b" ", f"expected 413, got {status_line!r}"


def test_guard_a_signed_body_under_the_limit_still_reaches_bolt(sender: SlackSender) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c" * 50_000, "token": "t"})
    reply = sender.post(body, "application/json")
    assert reply.status == 200 and reply.json()["challenge"] == "c" * 50_000, reply.status


def test_guard_a_huge_message_of_unclosed_markup_is_cut_before_the_engine_reads_it(
    sender: SlackSender, slack: FakeSlack, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """30k characters of `<@‹@…`: the markup patterns would take seconds over them."""
    asked: list[str] = []
    real = engine.answer

    def answer(question: str) -> Any:
        asked.append(question)
        return real(question)

    monkeypatch.setattr(engine, "answer", answer)
    reply = sender.mention(f"<@{BOT_USER_ID}> {QUESTION} " + "<@\u2039@" * 10_000, channel="C0HUGE")
    assert reply.status == 200, reply
    posts = slack.wait_for(lambda: [p for p in slack.posts() if p.body["channel"] == "C0HUGE"])
    assert posts, "expected an answer"
    limit = engine.settings.max_question_chars * RAW_CHARS_PER_QUESTION_CHAR
    assert asked and len(asked[0]) <= limit, f"expected at most {limit} characters read, got {len(asked[0])}"
