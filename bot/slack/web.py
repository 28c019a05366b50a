"""The HTTP entry point: a Flask app for gunicorn (the Procfile's web line runs `bot.slack.web:create_app()`).

  POST /slack/events   events, slash commands and interactivity; each request's size,
                       signature and body are checked first (guard.py: over
                       CROSSCHECK_MAX_REQUEST_BYTES 413, unsigned, forged or older than
                       5 minutes 401, not a Slack payload 400), then Bolt handles it
  GET  /healthz        200 once the index is loaded; 503 while it loads, or if it failed

The index loads on a background thread, so the server answers Slack (and /healthz)
at once; questions asked before it is ready wait for it.
"""

from __future__ import annotations

import sys

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from werkzeug.exceptions import RequestEntityTooLarge

from bot.core import Engine
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from bot.slack.app import build_app
from bot.slack.client import secret, secrets
from bot.slack.guard import rejection
from bot.slack.warmup import IndexWarmup

# gunicorn stops (rather than restarting the worker forever) when a worker exits with 3.
WORKER_BOOT_ERROR = 3


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """The Flask app serving Slack. Settings come from the environment and config/ unless given.

    A missing or rejected setting prints what to set and how, then exits with
    status 3, which makes gunicorn stop instead of restarting the worker.
    """
    try:
        settings = settings or load_settings()
        settings.require_slack(socket_mode=False)
        if not settings.corpus.is_dir():
            raise SettingsError(
                f"CROSSCHECK_CORPUS: {settings.corpus} is not a folder. Set CROSSCHECK_CORPUS to the "
                "folder of .txt articles (or unset it for the bundled corpus/)."
            )
        configure_logging(settings.log_level, secrets(settings))
        engine = engine or Engine(settings)
        warmup = IndexWarmup(
            engine, settings.corpus_check_seconds
        ).start()  # while Bolt checks the token with Slack
        slack = SlackRequestHandler(build_app(settings, engine))
    except SettingsError as exc:
        print(f"crosscheck: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(WORKER_BOOT_ERROR) from None

    app = Flask("crosscheck")
    # Refused before a byte of the body is read: the signature cannot be checked without the
    # body, and a forger must not make the app hold megabytes to find out it is forged.
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    verifier = SignatureVerifier(secret(settings.slack_signing_secret))

    @app.post("/slack/events")
    def slack_events() -> ResponseReturnValue:
        refused = rejection(request.get_data(), request.headers, verifier)
        if refused:
            return refused.reason + "\n", refused.status, {"Content-Type": "text/plain; charset=utf-8"}
        return slack.handle(request)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_: RequestEntityTooLarge) -> ResponseReturnValue:
        limit = settings.max_request_bytes
        return f"the body is over {limit} bytes\n", 413, {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        if warmup.ready.is_set():
            return jsonify(status="ok", articles=warmup.articles), 200
        if warmup.error:
            return jsonify(status="error", error=warmup.error), 503
        return jsonify(status="loading"), 503

    return app
