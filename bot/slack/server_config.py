"""gunicorn's settings for the Procfile's web line (`gunicorn --config python:bot.slack.server_config`)
and for `crosscheck serve`, kept in one place.

uvicorn workers (see asgi.py for why) under gunicorn's master; CROSSCHECK_WEB_WORKERS of
them (default 1). More than one needs a shared store for answered requests (REDIS_URL or
CROSSCHECK_REDIS_URL): with only in-process memory, Slack's retry of an event could reach
another worker and be answered twice, so without one the web line stays at one worker.
"""

from __future__ import annotations

import os
import sys

SHARED_STORE_VARIABLES = ("CROSSCHECK_REDIS_URL", "REDIS_URL")


def default_workers(environ: os._Environ[str] | dict[str, str] = os.environ) -> int:
    """CROSSCHECK_WEB_WORKERS (default 1); more than one only with a shared store configured."""
    given = environ.get("CROSSCHECK_WEB_WORKERS", "").strip()
    wanted = int(given) if given.isdigit() and int(given) > 0 else 1
    if wanted > 1 and not any(environ.get(name) for name in SHARED_STORE_VARIABLES):
        print(
            f"crosscheck: CROSSCHECK_WEB_WORKERS={wanted} needs REDIS_URL (or CROSSCHECK_REDIS_URL) so "
            "that workers share which Slack requests were answered; running 1 worker.",
            file=sys.stderr,
            flush=True,
        )
        return 1
    return wanted


worker_class = "uvicorn_worker.UvicornWorker"
workers = default_workers()
timeout = 60  # gunicorn restarts a worker whose event loop stops answering its heartbeat this long
graceful_timeout = 20  # on SIGTERM: answers in flight get this long
keepalive = 5
