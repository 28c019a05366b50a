"""Running the Slack app: `crosscheck serve` (HTTP through gunicorn, as the Procfile's web
line, in-process) and `crosscheck socket` (Socket Mode), with logs that never carry a secret
(bot/logs.py) and the index loaded in the background (warmup.py) so Slack is answered from
the first second.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core import Engine
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError
from bot.slack.app import build_app
from bot.slack.client import secret, secrets
from bot.slack.warmup import IndexWarmup


def run_server(settings: Settings, socket_mode: bool) -> int:
    """`crosscheck serve` (HTTP, as the Procfile's web line) or `crosscheck socket` (Socket Mode).

    Runs until stopped and returns the exit code. Raises SettingsError, naming the
    variable, when a Slack setting is missing or rejected.
    """
    settings.require_slack(socket_mode)
    if socket_mode:
        return _run_socket_mode(settings)
    from gunicorn.app.base import BaseApplication

    from bot.slack import server_config
    from bot.slack.asgi import create_app

    class Server(BaseApplication):  # the Procfile's web line, in-process
        def load_config(self) -> None:
            for key in ("worker_class", "workers", "timeout", "graceful_timeout", "keepalive"):
                self.cfg.set(key, getattr(server_config, key))
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")

        def load(self) -> Any:
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
    configure_logging(settings.log_level, secrets(settings))
    engine = Engine(settings)
    IndexWarmup(engine, settings.corpus_check_seconds).start()
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
