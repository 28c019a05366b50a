"""Running the Slack app: `crosscheck serve` (HTTP through gunicorn, as the Procfile's web
line) and `crosscheck socket` (Socket Mode), with logs that never carry a secret and the
index loaded in the background so Slack is answered from the first second.
"""

from __future__ import annotations

import logging
import re
import signal
import sys
import threading
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.answer import Engine
from bot.app import build_app
from bot.settings import Settings, SettingsError
from bot.slack_client import secret

log = logging.getLogger(__name__)


_TOKEN_RE = re.compile(
    r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+"  # bot, user, app-level tokens
    r"|(?<=[\"'\s&?]token=)[^&\s\"']+|(?<=[\"']token[\"']: [\"'])[^\"']+"  # verification tokens in bodies
    r"|hooks\.slack\.com(?:/|%2F)[^\s&\"']+"  # response URLs, plain or URL-encoded
)


class RedactingFormatter(logging.Formatter):
    """Formats with the handler's formatter, then blanks out Slack tokens, the signing secret and
    response URLs, so no log line (tracebacks included) ever carries them."""

    def __init__(self, inner: logging.Formatter | None, secrets: list[str]) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.secrets = [s for s in secrets if len(s) >= 6]

    def format(self, record: logging.LogRecord) -> str:
        line = _TOKEN_RE.sub("[redacted]", self.inner.format(record))
        for hidden in self.secrets:
            line = line.replace(hidden, "[redacted]")
        return line


def configure_logging(settings: Settings) -> None:
    """Log to stderr at CROSSCHECK_LOG_LEVEL through RedactingFormatter (idempotent)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    root.setLevel(settings.log_level)
    # Bolt and slack_sdk narrate every request at INFO and below.
    for noisy in ("slack_bolt", "slack_sdk", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    secrets = [
        secret(s) for s in (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token)
    ]
    for handler in root.handlers:
        if not isinstance(handler.formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(handler.formatter, secrets))


class IndexWarmup:
    """Loads (or builds) the index on a background thread at start-up; `ready` is set when done.

    Answers asked meanwhile wait for it (Engine.index holds a lock while loading)
    rather than fail. `error` says why loading failed, if it did.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ready = threading.Event()
        self.error: str | None = None
        self.articles = 0

    def start(self) -> IndexWarmup:
        threading.Thread(target=self._load, name="crosscheck-index", daemon=True).start()
        return self

    def _load(self) -> None:
        try:
            self.articles = len(self.engine.index.articles)
        except Exception as exc:
            self.error = str(exc)
            log.exception("Could not load the index; answers will try again")
            return
        log.info("Index ready: %d articles", self.articles)
        self.ready.set()


def run_server(settings: Settings, socket_mode: bool) -> int:
    """`crosscheck serve` (HTTP, as the Procfile's web line) or `crosscheck socket` (Socket Mode).

    Runs until stopped and returns the exit code. Raises SettingsError, naming the
    variable, when a Slack setting is missing or rejected.
    """
    settings.require_slack(socket_mode)
    if socket_mode:
        return _run_socket_mode(settings)
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # the Procfile's web line, in-process
        def load_config(self) -> None:
            for key, value in {
                "bind": f"0.0.0.0:{settings.port}",
                "workers": 1,
                "threads": 8,
                "timeout": 60,
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from bot.web import create_app

            return create_app(settings)

    try:
        Server().run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _run_socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app_token = secret(settings.slack_app_token)
    if not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN must be an app-level token starting with xapp- (the value set does not). "
            "Create one under Basic Information > App-Level Tokens with the connections:write scope."
        )
    configure_logging(settings)
    engine = Engine(settings)
    IndexWarmup(engine).start()
    handler = SocketModeHandler(build_app(settings, engine, socket_mode=True), app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        raise SettingsError(
            f"Slack rejected SLACK_APP_TOKEN ({exc.response.get('error')}). Create an app-level token "
            "with the connections:write scope under Basic Information > App-Level Tokens, and turn on "
            "Socket Mode for the app."
        ) from None
    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():  # PaaS hosts stop workers with SIGTERM
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("Crosscheck is connected to Slack in Socket Mode. Ctrl-C stops it.", file=sys.stderr, flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        handler.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0
