"""Answered requests are remembered across processes through Redis when one is configured, so a
retried or repeated request is answered once with several workers; in-process otherwise.

The Redis tests need a server: .ci/run starts one and exports CROSSCHECK_TEST_REDIS_URL. Without
one they skip here, saying so, and fail under CI (CI=true), where they must run.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.settings import Settings
from bot.slack.memory import EventMemory, RedisMemory
from bot.slack.server_config import default_workers
from bot.slack.web import WORKER_BOOT_ERROR, create_app
from index.store import Index
from tests.bot.slack.fake_slack import (
    BOT_USER_ID,
    FakeSlack,
    SlackSender,
    free_port,
    serving,
    slack_settings,
    start_web_line,
    stop_web_line,
    web_line_env,
)
from tests.bot.slack.test_web import procfile

QUESTION = "how many were killed in Baghdad?"


@pytest.fixture(scope="module")
def redis_url() -> str:
    import redis

    url = os.environ.get("CROSSCHECK_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"no Redis at {url} ({exc}); .ci/run starts one and sets CROSSCHECK_TEST_REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Redis tests, but {message}")
        pytest.skip(message)
    return url


def _mention(sender: SlackSender, event_id: str, channel: str, retry: int | None = None) -> None:
    event = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER_ID}> {QUESTION}", "ts": "1.5"}
    body = sender.event_body({**event, "channel": channel, "event_ts": "1.5"}, event_id)
    headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
    reply = sender.post(body, "application/json", headers=headers)
    assert reply.status == 200, reply


def test_memory_two_processes_sharing_redis_answer_an_event_and_a_command_once(
    redis_url: str, slack: FakeSlack, settings: Settings, engine: Engine
) -> None:
    """Two apps, each with its own process memory, as two workers or dynos are."""
    shared = slack_settings(settings, slack, redis_url=redis_url)
    event_id, channel, url = (
        f"Ev{uuid.uuid4().hex[:10]}",
        f"C{uuid.uuid4().hex[:8].upper()}",
        slack.response_url(),
    )
    with serving(create_app(shared, engine)) as one, serving(create_app(shared, engine)) as two:
        senders = [SlackSender(one + "/slack/events"), SlackSender(two + "/slack/events")]
        command = senders[0].command_body(QUESTION, url).replace("1.trigger", f"{uuid.uuid4().hex}.trigger")
        for i, sender in enumerate(senders * 2):
            _mention(sender, event_id, channel, retry=i or None)
            assert sender.post(command, "application/x-www-form-urlencoded").status == 200
        slack.wait_for(lambda: [p for p in slack.posts() if p.body["channel"] == channel])
        slack.wait_for(lambda: slack.hook_posts(url))
        slack.settle(1)
    mentions = [p for p in slack.posts() if p.body["channel"] == channel]
    assert len(mentions) == 1, f"expected the event answered once, got {len(mentions)}"
    assert len(slack.hook_posts(url)) == 1, (
        f"expected the command answered once, got {len(slack.hook_posts(url))}"
    )


def test_memory_the_procfile_web_line_runs_two_workers_sharing_redis_and_answers_retries_once(
    redis_url: str, slack: FakeSlack, settings: Settings, index: Index, tmp_path: Path
) -> None:
    port = free_port()
    env = web_line_env(
        slack, port, settings.index_dir, CROSSCHECK_REDIS_URL=redis_url, CROSSCHECK_WEB_WORKERS="2"
    )
    log = tmp_path / "web.log"
    process = start_web_line(procfile("web"), env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(workers) == 2, (
            f"expected 2 workers with Redis, got {len(workers)}; log:\n{log.read_text()}"
        )
        sender = SlackSender(url + "/slack/events")
        event_id, channel = f"Ev{uuid.uuid4().hex[:10]}", f"C{uuid.uuid4().hex[:8].upper()}"
        for retry in range(6):  # each on its own connection: either worker may take it
            _mention(sender, event_id, channel, retry=retry or None)
        slack.wait_for(lambda: [p for p in slack.posts() if p.body["channel"] == channel])
        slack.settle(1.5)
        answered = [p for p in slack.posts() if p.body["channel"] == channel]
        assert len(answered) == 1, f"expected one answer for six deliveries, got {len(answered)}"
    finally:
        stop_web_line(process)


def test_memory_an_unreachable_redis_at_start_up_stops_with_the_variable_named(
    slack: FakeSlack, settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    with pytest.raises(SystemExit) as stopped:
        create_app(slack_settings(settings, slack, redis_url=dead), engine)
    err = capsys.readouterr().err
    assert stopped.value.code == WORKER_BOOT_ERROR, stopped.value.code
    assert "CROSSCHECK_REDIS_URL" in err and "hunter2" not in err, err


def test_memory_redis_lost_while_running_falls_back_to_this_process_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import redis

    memory = RedisMemory(redis.Redis(port=free_port(), socket_connect_timeout=0.5))
    with caplog.at_level(logging.WARNING):
        seen = [memory.first_time(k) for k in ("a", "a", "b")]
    assert seen == [True, False, True], f"expected the in-process memory to take over, got {seen}"
    warned = [r for r in caplog.records if "Redis cannot be reached" in r.getMessage()]
    assert len(warned) == 1, f"expected one warning, got {len(warned)}"


@pytest.mark.parametrize(
    ("environ", "workers"),
    [
        ({}, 1),
        ({"REDIS_URL": "redis://h:6379"}, 1),
        ({"CROSSCHECK_WEB_WORKERS": "3", "REDIS_URL": "redis://h:6379"}, 3),
        ({"CROSSCHECK_WEB_WORKERS": "2", "CROSSCHECK_REDIS_URL": "redis://h:6379"}, 2),
        ({"CROSSCHECK_WEB_WORKERS": "4"}, 1),  # no shared store: one worker, and a line saying why
        ({"CROSSCHECK_WEB_WORKERS": "zero", "REDIS_URL": "redis://h"}, 1),
    ],
)
def test_memory_several_workers_only_with_a_shared_store(environ: dict[str, str], workers: int) -> None:
    assert default_workers(environ) == workers, f"expected {workers} for {environ}"


def test_memory_in_process_memory_is_used_without_redis(slack: FakeSlack, settings: Settings) -> None:
    from bot.slack.memory import memory_for

    assert isinstance(memory_for(slack_settings(settings, slack)), EventMemory)


@pytest.fixture(autouse=True)
def _no_redis_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A REDIS_URL of the machine running the tests must not reach the apps built here."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CROSSCHECK_REDIS_URL", raising=False)
    yield
