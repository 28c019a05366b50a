"""What a request to /slack/events must pass before Bolt sees it: size, signature, a body that parses.

Bolt verifies signatures too, but it turns a timestamp that is not a number, or a
signed body that is not a JSON object, into a 500 with a traceback; and it reads
any body whole before checking anything. Here a body over the size limit is
refused before it is read (werkzeug's MAX_CONTENT_LENGTH, 413), unsigned or
badly signed requests get 401 and signed nonsense 400, each with a one-line
reason and without a traceback.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)


class Headers(Protocol):
    """Request headers, looked up case-insensitively (werkzeug's, Bolt's)."""

    def get(self, key: str) -> str | None: ...


@dataclass(frozen=True)
class Rejection:
    """Why a request is refused, as the HTTP status and a short plain-text reason."""

    status: int
    reason: str


def rejection(body: bytes, headers: Headers, verifier: SignatureVerifier) -> Rejection | None:
    """None when Bolt may handle the request, else why not (401 unsigned or forged, 400 malformed)."""
    timestamp = headers.get("X-Slack-Request-Timestamp") or ""
    signature = headers.get("X-Slack-Signature") or ""
    if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
        return Rejection(401, "missing or malformed Slack signature headers")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "the body is not UTF-8")
    if not verifier.is_valid(text, timestamp, signature):  # also refuses requests older than 5 minutes
        return Rejection(401, "invalid or expired Slack signature")
    if not _is_object(text, headers.get("Content-Type") or ""):
        log.warning("A signed request had a body that is not a Slack payload; answered 400")
        return Rejection(400, "the body is not a Slack payload")
    return None


def _is_object(text: str, content_type: str) -> bool:
    """True when the body parses as Bolt will parse it (JSON, or a form, maybe with a JSON `payload`)
    into an object."""
    try:
        if content_type.startswith("application/json") or text.lstrip().startswith("{"):
            return isinstance(json.loads(text), dict)
        form = dict(parse_qsl(text, keep_blank_values=True))
        return "payload" not in form or isinstance(json.loads(form["payload"]), dict)
    except ValueError:  # json.JSONDecodeError is one
        return False
