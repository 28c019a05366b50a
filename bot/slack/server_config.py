"""gunicorn's settings for the Procfile's web line (`gunicorn --config python:bot.slack.server_config`)
and for `crosscheck serve`, kept in one place.

uvicorn workers (see asgi.py for why) under gunicorn's master. One worker unless a
shared store for answered requests is configured (REDIS_URL or CROSSCHECK_REDIS_URL):
with several processes and only in-process memory, Slack's retry of an event could
reach another worker and be answered twice. CROSSCHECK_WEB_WORKERS overrides.
"""

from __future__ import annotations

import os

SHARED_STORE_VARIABLES = ("CROSSCHECK_REDIS_URL", "REDIS_URL")


def default_workers(environ: os._Environ[str] | dict[str, str] = os.environ) -> int:
    """CROSSCHECK_WEB_WORKERS, else 2 with a shared store for answered requests and 1 without."""
    given = environ.get("CROSSCHECK_WEB_WORKERS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return 2 if any(environ.get(name) for name in SHARED_STORE_VARIABLES) else 1


worker_class = "uvicorn_worker.UvicornWorker"
workers = default_workers()
timeout = 60  # gunicorn restarts a worker whose event loop stops answering its heartbeat this long
graceful_timeout = 20  # on SIGTERM: answers in flight get this long
keepalive = 5
