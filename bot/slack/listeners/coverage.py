"""Changing the coverage from Slack: `/crosscheck add URL`, `/crosscheck remove ID`, `@Crosscheck add
URL` in a channel, and a .txt/.html file shared with the bot in a DM.

Only the users and channels named in CROSSCHECK_COVERAGE_EDITORS may change it (by
default nobody: the command line, on the server, always may); anyone else gets a
polite refusal and nothing is fetched. Adding runs on the answering pool after the
acknowledgement: the article is fetched, stored and indexed (bot/coverage/editor.py),
and the reply says what it changed. Files are downloaded only from Slack's own hosts
(files.slack.com, or SLACK_API_URL's), with the bot token.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App
from slack_sdk import WebClient

from bot.coverage.editor import ADDABLE_SUFFIXES, CoverageEditor, CoverageError, Outcome
from bot.settings import Settings
from bot.slack import blocks
from bot.slack.listeners.common import SORRY, Replies, acknowledge

log = logging.getLogger(__name__)

# Slack writes links as <https://...> or <https://...|label>; a link pasted in a command may be bare.
_LINK_RE = re.compile(r"<(https?://[^>|\s]+)(?:\|[^>]*)?>|(?<![<|\w])(https?://[^\s<>|]+)", re.I)
_ADD_WORD_RE = re.compile(r"\badd\b", re.I)
SLACK_FILE_HOSTS = ("files.slack.com", "files.slack-gov.com")
REFUSAL = (
    "Sorry, only the people and channels set up to edit the coverage can add or remove articles "
    "(CROSSCHECK_COVERAGE_EDITORS). Ask whoever runs Crosscheck to add it, or to add you."
)

_editors: dict[int, CoverageEditor] = {}
_editors_lock = threading.Lock()


def editor_for(replies: Replies) -> CoverageEditor:
    """One editor per engine, shared by every Slack surface."""
    with _editors_lock:
        return _editors.setdefault(id(replies.engine), CoverageEditor(replies.engine))


def may_edit(settings: Settings, user: str | None, channel: str | None) -> bool:
    """Whether this user, or anyone in this channel, may change the coverage."""
    allowed = set(settings.coverage_editors)
    return bool(allowed) and (user in allowed or channel in allowed)


def links(text: str) -> list[str]:
    """The http(s) links of a Slack message, as Slack marks them up or bare, in order, once each."""
    found = [m.group(1) or m.group(2) for m in _LINK_RE.finditer(text)]
    return list(dict.fromkeys(u.replace("&amp;", "&") for u in found))


def wants_add(text: str) -> bool:
    """A message asking to add coverage: the word "add" and at least one link."""
    return bool(_ADD_WORD_RE.search(_LINK_RE.sub(" ", text))) and bool(links(text))


def outcome_message(outcome: Outcome) -> blocks.Message:
    esc = blocks.mrkdwn_escape
    a = outcome.article.model_copy(
        update={k: esc(v) if isinstance(v, str) else v for k, v in outcome.article.model_dump().items()}
    )
    shown = outcome.model_copy(update={"article": a}).describe(bold=("*", "*"))
    return {"text": shown, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": shown[:3000]}}]}


def add_links(replies: Replies, text: str) -> list[blocks.Message]:
    """Add every link in `text`; one message per link (what was added, or why not)."""
    found = links(text)
    if not found:
        return [blocks.notice_message("Give me a link to add, like: add https://example.com/news/article")]
    return [_change(replies, lambda ed, url=url: ed.add_url(url), url) for url in found]


def remove_ids(replies: Replies, text: str) -> list[blocks.Message]:
    ids = text.split()
    if not ids:
        return [blocks.notice_message("Say which article to remove, by the id `sources` shows.")]
    return [_change(replies, lambda ed, doc_id=doc_id: ed.remove(doc_id), doc_id) for doc_id in ids]


def _change(replies: Replies, do: Any, what: str) -> blocks.Message:
    try:
        return outcome_message(do(editor_for(replies)))
    except CoverageError as exc:
        return blocks.notice_message(f"{what[:200]}: {exc}")
    except Exception:
        log.exception("Could not change the coverage with %r", what[:200])
        return blocks.notice_message(SORRY)


def command_reply(replies: Replies, command: dict[str, Any]) -> list[blocks.Message] | None:
    """The replies to `/crosscheck add ...` or `/crosscheck remove ...`, or None for other commands."""
    verb, _, rest = (command.get("text") or "").strip().partition(" ")
    if verb.lower() not in ("add", "remove"):
        return None
    if not may_edit(replies.settings, command.get("user_id"), command.get("channel_id")):
        return [blocks.notice_message(REFUSAL)]
    return add_links(replies, rest) if verb.lower() == "add" else remove_ids(replies, rest)


def register(app: App, replies: Replies) -> None:
    """The file_shared listener: a .txt or .html file shared with the bot in a DM is added."""

    def file_shared(event: dict[str, Any], client: WebClient) -> None:
        channel, user = event.get("channel_id"), event.get("user_id")
        if not str(channel or "").startswith("D"):
            return  # files in channels are the channel's; only files given to the bot are added
        if not may_edit(replies.settings, user, channel):
            replies.post(client, str(channel), blocks.notice_message(REFUSAL), None)
            return
        replies.post(client, str(channel), add_file(replies, client, event.get("file_id") or ""), None)

    app.event("file_shared")(ack=acknowledge, lazy=[file_shared])


def add_file(replies: Replies, client: WebClient, file_id: str) -> blocks.Message:
    """Download a shared file from Slack and add it."""
    try:
        info = client.files_info(file=file_id)["file"]
    except Exception as exc:
        log.warning("files.info failed for %s: %s", file_id, exc)
        return blocks.notice_message(
            "I could not read that file from Slack (is the files:read scope granted?)."
        )
    name = str(info.get("name") or file_id)
    if not name.lower().endswith(ADDABLE_SUFFIXES):
        return blocks.notice_message(f"{name}: I add .txt and .html files (or links), not this kind of file.")
    limit = replies.settings.fetch_max_bytes
    if int(info.get("size") or 0) > limit:
        return blocks.notice_message(f"{name} is over {limit / 1e6:.0f} MB, far more than an article.")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if urlsplit(url).hostname not in (*SLACK_FILE_HOSTS, urlsplit(replies.settings.slack_api_url).hostname):
        log.warning("Refused to download a shared file from %s: not Slack's", urlsplit(url).hostname)
        return blocks.notice_message(
            f"{name}: Slack gave a download link off its own hosts; I did not follow it."
        )
    try:
        data = _download(url, replies.settings, limit)
    except CoverageError as exc:
        return blocks.notice_message(f"{name}: {exc}")
    return _change(replies, lambda ed: ed.add_bytes(name, data), name)


def _download(url: str, settings: Settings, limit: int) -> bytes:
    import httpx

    from bot.slack.client import secret

    headers = {"Authorization": f"Bearer {secret(settings.slack_bot_token)}"}
    try:
        with (
            httpx.Client(timeout=settings.fetch_timeout_seconds, trust_env=False) as http,
            http.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code != 200:
                raise CoverageError(f"Slack answered {response.status_code} when I downloaded the file.")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise CoverageError(f"the file is over {limit / 1e6:.0f} MB, far more than an article.")
            return bytes(body)
    except httpx.HTTPError as exc:
        raise CoverageError(f"I could not download the file from Slack ({exc}).") from None
