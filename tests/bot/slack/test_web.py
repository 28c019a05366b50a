"""The Procfile's web line, run as a PaaS runs it (gunicorn, PORT, Slack variables), against a fake Slack.

Covers what Slack sends a deployed app: url_verification, an app_mention, a DM, a
slash command, forged and stale signatures, and 200 slash commands 20 at a time,
each acknowledged within Slack's 3 seconds and each answered.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings
from index.store import Index
from tests.bot.slack.fake_slack import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    VERIFICATION_TOKEN,
    FakeSlack,
    SlackSender,
    free_port,
    get,
    message_text,
    start_web_line,
    stop_web_line,
    web_line_env,
)

QUESTION = "how many were killed in Baghdad?"
ACK_SECONDS = 3


def procfile(kind: str) -> str:
    for line in (PROJECT_ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"expected a {kind}: line in the Procfile")


class Web:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url, self.process, self.log = url, process, log
        self.sender = SlackSender(url + "/slack/events")


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def web(
    slack: FakeSlack, settings: Settings, index: Index, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Web]:
    """The web line in a shell, as the Procfile runs it, until /healthz says the index is loaded."""
    port = free_port()
    env = web_line_env(slack, port, settings.index_dir, CROSSCHECK_LOG_LEVEL="DEBUG")
    log = tmp_path_factory.mktemp("web") / "web.log"
    process = start_web_line(procfile("web"), env, log, seconds=60)
    url = f"http://127.0.0.1:{port}"
    try:
        assert get(url + "/healthz").status == 200, f"expected the server up; its log:\n{log.read_text()}"
        yield Web(url, process, log)
    finally:
        stop_web_line(process)  # gunicorn and its workers: the group this test started


def test_procfile_web_line_is_gunicorn_with_the_asgi_app_on_port() -> None:
    line = shlex.split(procfile("web"))
    assert line[0] == "gunicorn" and "bot.slack.asgi:create_app()" in line and "0.0.0.0:$PORT" in line, line


def test_procfile_web_answers_url_verification(web: Web) -> None:
    reply = web.sender.post(
        '{"type": "url_verification", "challenge": "c-42", "token": "t"}', "application/json"
    )
    assert (reply.status, reply.json()) == (200, {"challenge": "c-42"}), reply


def test_procfile_web_answers_a_mention_in_its_thread_and_a_dm_in_the_dm(web: Web, slack: FakeSlack) -> None:
    mention = web.sender.mention(f"<@{BOT_USER_ID}> {QUESTION}", channel="C0PROC", ts="1700000000.000900")
    dm = web.sender.direct_message(QUESTION, channel="D0PROC")
    for reply in (mention, dm):
        assert reply.status == 200 and reply.seconds < ACK_SECONDS, reply
    posts = {
        p.body["channel"]: p.body
        for p in slack.wait_for(
            lambda: [p for p in slack.posts() if p.body["channel"] in ("C0PROC", "D0PROC")], count=2
        )
    }
    assert posts["C0PROC"]["thread_ts"] == "1700000000.000900", posts["C0PROC"]
    assert not posts["D0PROC"].get("thread_ts"), posts["D0PROC"]
    assert all("Sources disagree: 2 answers" in message_text(p) for p in posts.values())


def test_procfile_web_answers_a_slash_command_through_its_response_url(web: Web, slack: FakeSlack) -> None:
    url = slack.response_url()
    reply = web.sender.command(QUESTION, url)
    assert reply.status == 200 and reply.seconds < ACK_SECONDS, reply
    posts = slack.wait_for(lambda: slack.hook_posts(url))
    assert len(posts) == 1 and posts[0].body["response_type"] == "ephemeral", posts


@pytest.mark.parametrize(
    "forgery",
    [{"signature": "v0=" + "1" * 64}, {"timestamp": int(time.time()) - 10 * 60}],
    ids=["forged", "stale"],
)
def test_procfile_web_rejects_bad_signatures_with_401(web: Web, slack: FakeSlack, forgery: dict) -> None:
    url = slack.response_url()
    reply = web.sender.post(
        web.sender.command_body(QUESTION, url), "application/x-www-form-urlencoded", **forgery
    )
    assert reply.status == 401, f"expected 401, got {reply.status}"
    slack.settle()
    assert not slack.hook_posts(url), "expected nothing answered"


def test_procfile_web_acks_200_slash_commands_sent_20_at_a_time_and_answers_all(
    web: Web, slack: FakeSlack
) -> None:
    urls = [slack.response_url() for _ in range(200)]
    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(lambda url: web.sender.command(QUESTION, url), urls))
    statuses = {r.status for r in replies}
    slowest = max(r.seconds for r in replies)
    assert statuses == {200}, f"expected every command acknowledged, got statuses {statuses}"
    assert slowest < ACK_SECONDS, f"expected every ack within 3 s, the slowest took {slowest:.2f} s"
    answered = slack.wait_for(
        lambda: [p for p in slack.hook_posts() if p.path in {u[len(slack.root) :] for u in urls}],
        count=200,
        timeout=120,
    )
    per_url: dict[str, int] = {}
    for post in answered:
        per_url[post.path] = per_url.get(post.path, 0) + 1
    assert len(per_url) == 200 and set(per_url.values()) == {1}, (
        f"expected 200 answers, one each; got {len(per_url)}"
    )


def _worker_rss_mb(master: int) -> float:
    """Resident memory of gunicorn's workers (the master's children), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _open(web: Web) -> socket.socket:
    port = int(web.url.rsplit(":", 1)[1])
    return socket.create_connection(("127.0.0.1", port), timeout=10)


@pytest.mark.parametrize("stalled", ["headers", "body"])
def test_procfile_web_acks_slack_while_32_clients_send_requests_slowly(
    web: Web, slack: FakeSlack, stalled: str
) -> None:
    """Slowloris: each connection sends part of a request and then nothing. A server handing
    connections to its threads before the request is complete runs out of threads."""
    head = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if stalled == "body":
        head += b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    with ExitStack() as stack:
        for _ in range(32):
            stack.enter_context(_open(web)).sendall(head)
        time.sleep(0.5)
        url = slack.response_url()
        reply = web.sender.command(QUESTION, url)
        assert reply.status == 200 and reply.seconds < ACK_SECONDS, f"expected an ack within 3 s, got {reply}"
        assert slack.wait_for(lambda: slack.hook_posts(url), timeout=10), "expected the answer"


def test_procfile_web_refuses_8_unsigned_50_mb_bodies_without_reading_them(web: Web) -> None:
    before = _worker_rss_mb(web.process.pid)
    statuses = []
    for chunked in (False, True):
        for _ in range(4):
            with _open(web) as conn:
                length = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: 50000000"
                conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n" + length + b"\r\n\r\n")
                chunk = b"x" * 65536
                try:  # until the server answers and closes: it must not wait for 50 MB
                    for _ in range(50_000_000 // len(chunk)):
                        conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                except OSError:
                    pass
                statuses.append(conn.recv(100).split(b" ")[1:2])
    grown = _worker_rss_mb(web.process.pid) - before
    assert statuses == [[b"413"]] * 8, f"expected 413 for each, got {statuses}"
    assert grown < 100, f"expected the workers' memory to stay flat, it grew {grown:.0f} MB"


def test_procfile_web_stops_on_sigterm_without_a_token_in_its_log(web: Web) -> None:
    os.killpg(web.process.pid, signal.SIGTERM)
    assert web.process.wait(30) == 0, f"expected exit code 0, got {web.process.returncode}"
    output = web.log.read_text()
    for secret in (BOT_TOKEN, SIGNING_SECRET, VERIFICATION_TOKEN):
        assert secret not in output, f"expected no {secret[:8]}... in the log"
    assert "Booting worker" in output, "expected gunicorn's log (the test read the right file)"
    complaints = [line for line in output.splitlines() if line.startswith(("WARNING", "ERROR", "CRITICAL"))]
    assert not complaints, f"expected a quiet log for a healthy run, got {complaints}"
