"""Load benchmark for the Slack app: how fast slash commands are acknowledged, and answered.

Usage: python benchmarks/load_bench.py [--requests 1000] [--concurrency 1,20,50] [--question "..."]
       [--workers 2 --redis-url redis://127.0.0.1:6379/0]

Starts the Procfile's web line (gunicorn with uvicorn workers, `bot.slack.asgi:create_app()`;
--workers of them, sharing the Redis given with --redis-url) with SLACK_API_URL
pointing at a fake Slack on loopback (tests/bot/slack/fake_slack.py), waits for /healthz,
then sends signed /crosscheck commands at each concurrency level, each with its own
response_url on the fake. Reports acknowledgements per second, p50/p99/max ack
latency, how many acks took 3 s or more (Slack's limit), and how many answers
arrived at their response_url and how fast. Client, fake Slack and server share
this machine's CPUs, so the figures are a floor, not a ceiling.

A benchmark, not a test: it asserts nothing and exits 0 unless the server fails to start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core import Engine  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.bot.slack.fake_slack import (  # noqa: E402
    FakeSlack,
    SlackSender,
    free_port,
    get,
    start_web_line,
    stop_web_line,
    web_line_env,
)

ACK_LIMIT = 3.0


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of `values` (p in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def web_line() -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("load_bench: no web: line in the Procfile")


def start_server(
    slack: FakeSlack, index_dir: Path, log: Path, workers: int = 1, redis_url: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    extra = {"CROSSCHECK_WEB_WORKERS": str(workers)} | (
        {"CROSSCHECK_REDIS_URL": redis_url} if redis_url else {}
    )
    process = start_web_line(web_line(), web_line_env(slack, port, index_dir, **extra), log, seconds=120)
    url = f"http://127.0.0.1:{port}"
    try:
        if get(url + "/healthz").status == 200:
            return process, url
    except OSError:
        pass
    stop_web_line(process)
    raise SystemExit(f"load_bench: the server did not start; its log:\n{log.read_text()}")


def run_level(sender: SlackSender, slack: FakeSlack, question: str, requests: int, concurrency: int) -> str:
    urls = [slack.response_url() for _ in range(requests)]
    paths = {u[len(slack.root) :] for u in urls}
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        replies = list(pool.map(lambda url: sender.command(question, url), urls))
    acked_in = time.monotonic() - started
    answered = slack.wait_for(
        lambda: [p for p in slack.hook_posts() if p.path in paths], count=requests, timeout=120
    )
    answered_in = (max(p.at for p in answered) - started) if answered else float("nan")
    latencies = [r.seconds * 1000 for r in replies if r.status == 200]
    ok = len(latencies)
    late = sum(1 for r in replies if r.status != 200 or r.seconds >= ACK_LIMIT)
    return (
        f"{concurrency:>11}  {requests:>8}  {ok / acked_in:>7.0f}  {percentile(latencies, 50):>6.1f}  "
        f"{percentile(latencies, 99):>6.1f}  {max(latencies):>6.1f}  {late:>8}  {len(answered):>8}  "
        f"{len(answered) / answered_in:>9.0f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="slash commands per level (default 1000)")
    parser.add_argument("--concurrency", default="1,20,50", help="levels, comma-separated (default 1,20,50)")
    parser.add_argument("--question", default="how many were killed in Baghdad?")
    parser.add_argument("--index-dir", type=Path, help="index folder (default: a fresh temporary one)")
    parser.add_argument("--workers", type=int, default=1, help="web workers (more than 1 needs --redis-url)")
    parser.add_argument("--redis-url", help="a Redis for the answered-requests memory the workers share")
    args = parser.parse_args()
    levels = [int(x) for x in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="crosscheck-bench-") as tmp:
        index_dir = args.index_dir or Path(tmp) / "index"
        built = time.monotonic()
        articles = len(
            Engine(load_settings(index_dir=index_dir)).index.articles
        )  # built before the clock runs
        print(f"index: {articles} articles, ready in {time.monotonic() - built:.1f} s ({index_dir})")
        slack = FakeSlack()
        process, url = start_server(slack, index_dir, Path(tmp) / "web.log", args.workers, args.redis_url)
        try:
            sender = SlackSender(url + "/slack/events")
            for _ in range(20):  # warm up: first answers fill the engine's caches
                sender.command(args.question, slack.response_url())
            workers = len(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split())
            print(
                f"server: Procfile web line ({web_line()}), {workers} worker(s)"
                f"{', Redis memory' if args.redis_url else ''}, {os.cpu_count()} CPUs, fake Slack on loopback"
            )
            print(f"question: {args.question!r}; each command has its own response_url\n")
            print("concurrency  requests   acks/s  p50 ms  p99 ms  max ms  acks>=3s  answered  answers/s")
            for level in levels:
                print(run_level(sender, slack, args.question, args.requests, level), flush=True)
        finally:
            stop_web_line(process)
            slack.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
