"""Logging for every front end: one format on stderr, quiet third-party chatter, no secrets.

The CLI configures it when a command starts; the Slack runners and the gunicorn
entry point configure it again with the Slack secrets to hide, which is safe:
`configure_logging` is idempotent and only ever wraps a handler's formatter once.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

FORMAT = "%(levelname)s %(name)s: %(message)s"
# spaCy, Bolt and slack_sdk narrate their start-up and every request at INFO and below.
NOISY = ("spacy", "urllib3", "slack_bolt", "slack_sdk")

_TOKEN_RE = re.compile(
    r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+"  # bot, user, app-level tokens
    r"|(?<=[\"'\s&?]token=)[^&\s\"']+|(?<=[\"']token[\"']: [\"'])[^\"']+"  # verification tokens in bodies
    r"|hooks\.slack\.com(?:/|%2F)[^\s&\"']+"  # response URLs, plain or URL-encoded
)


class RedactingFormatter(logging.Formatter):
    """Formats with the handler's formatter, then blanks out Slack tokens, the signing secret and
    response URLs, so no log line (tracebacks included) ever carries them."""

    def __init__(self, inner: logging.Formatter | None, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()
        self.secrets: list[str] = []
        self.hide(secrets)

    def hide(self, secrets: Iterable[str]) -> None:
        """Blank these out too (values too short to be secrets are left alone)."""
        self.secrets += [s for s in secrets if len(s) >= 6 and s not in self.secrets]

    def format(self, record: logging.LogRecord) -> str:
        line = _TOKEN_RE.sub("[redacted]", self.inner.format(record))
        for hidden in self.secrets:
            line = line.replace(hidden, "[redacted]")
        return line


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level` (a name such as "INFO"; unknown names mean INFO), with
    `secrets` and anything shaped like a Slack token blanked out. Idempotent."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(stream=sys.stderr, format=FORMAT)
    root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    hidden = list(secrets)
    for handler in root.handlers:
        if isinstance(handler.formatter, RedactingFormatter):
            handler.formatter.hide(hidden)  # configured before (the CLI), now with Slack's secrets
        else:
            handler.setFormatter(RedactingFormatter(handler.formatter, hidden))
