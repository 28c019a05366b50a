"""Slack views (Block Kit surfaces other than messages): the feedback modal and the App Home tab.

Each function returns the JSON-ready view dict for views.open / views.publish or a
view_submission's `response_action`, within Slack's limits for views (title, submit
and close at most 24 characters, 100 blocks, private_metadata 3,000 characters).
Like blocks.py, it never imports slack_sdk.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.slack.blocks import (
    SECTION_TEXT_LIMIT,
    Block,
    _clip,
    _context,
    _link,
    _pack,
    _section,
    digest_blocks,
    feedback_value,
    mrkdwn_escape,
)
from bot.wording import count_phrase
from index.meta import ArticleInfo

if TYPE_CHECKING:
    from bot.core.digest import Digest

View = dict[str, Any]

# Slack's limits for views (https://docs.slack.dev/reference/views).
TITLE_LIMIT = 24  # title, submit and close texts
VIEW_BLOCKS = 100
PRIVATE_METADATA_LIMIT = 3000
INPUT_LIMIT = 3000  # plain_text_input max_length
HOME_ARTICLES_SHOWN = 15  # the rest: `/crosscheck sources`

FEEDBACK_CALLBACK = "crosscheck_feedback"
COMMENT_BLOCK = "what_is_wrong"
COMMENT_ACTION = "comment"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _escaped(text: str, limit: int) -> str:
    """`text` clipped and escaped to at most `limit` characters (escaping lengthens `&`, `<`, `>`)."""
    room = limit
    while len(shown := mrkdwn_escape(_clip(text, room))) > limit:
        room = max(1, room * 3 // 4)
    return shown


def feedback_modal(question: str, shown: str) -> View:
    """The "Something's wrong" modal: the question and answer it is about, and a text field.

    Its private_metadata carries the question and the answer as shown (blocks.feedback_value),
    so the submission is stored with them; the text field is required.
    """
    about = (
        f"*Question:* {_escaped(question or '(unknown)', 1000)}\n"
        f"*Answer shown:* {_escaped(shown or '(unknown)', 1500)}"
    )
    return {
        "type": "modal",
        "callback_id": FEEDBACK_CALLBACK,
        "title": _plain("Something's wrong?"),
        "submit": _plain("Send"),
        "close": _plain("Cancel"),
        "private_metadata": feedback_value(question, shown, PRIVATE_METADATA_LIMIT),
        "blocks": [
            _section(about),
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "label": _plain("What is wrong with this answer?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_ACTION,
                    "multiline": True,
                    "max_length": INPUT_LIMIT,
                    "placeholder": _plain("e.g. the Reuters article says five were killed, not three"),
                },
                "hint": _plain("Saved with the question and the answer, for whoever runs Crosscheck."),
            },
        ],
    }


def feedback_thanks() -> View:
    """What the modal turns into once the feedback is stored."""
    return {
        "type": "modal",
        "title": _plain("Thank you"),
        "close": _plain("Close"),
        "blocks": [_section("Thanks: your note is saved with the question and the answer shown.")],
    }


def comment_of(view: dict[str, Any]) -> str:
    """The text typed into the feedback modal's field ("" when absent)."""
    values = ((view.get("state") or {}).get("values") or {}).get(COMMENT_BLOCK) or {}
    return str((values.get(COMMENT_ACTION) or {}).get("value") or "")


def coverage_blocks(articles: Iterable[ArticleInfo], command: str = "/crosscheck") -> list[Block]:
    """The coverage for App Home: how many articles from how many outlets over which dates,
    then the first articles (title linked, outlet, date) and a count of the rest."""
    items = sorted(articles, key=lambda a: (a.published or "9999", a.title or a.doc_id))
    outlets = {a.outlet for a in items if a.outlet}
    dates = sorted(a.published for a in items if a.published)
    span = ""
    if dates:
        span = (
            f", published {dates[0]}" if dates[0] == dates[-1] else f", published {dates[0]} to {dates[-1]}"
        )
        undated = len(items) - len(dates)
        if undated:
            span += f" ({undated} undated)"
    unnamed = sum(1 for a in items if not a.outlet)
    source = count_phrase(len(outlets), "outlet" if not unnamed else "named outlet")
    if unnamed:
        source += f" ({unnamed} with no outlet named)"
    summary = f"*Coverage:* {count_phrase(len(items), 'article')} from {source}{mrkdwn_escape(span)}"
    entries = [(summary, 0)]
    for article in items[:HOME_ARTICLES_SHOWN]:
        line = "• " + _link(article.url, _clip(article.title or article.doc_id))
        meta = ", ".join(x for x in (article.outlet, article.published) if x)
        entries.append((line + (f" — {mrkdwn_escape(_clip(meta))}" if meta else ""), 1))
    if len(items) > HOME_ARTICLES_SHOWN:
        rest = len(items) - HOME_ARTICLES_SHOWN
        entries.append(
            (f"_…and {count_phrase(rest, 'more article')}: `{mrkdwn_escape(command)} sources`_", 0)
        )
    return [_section(t) for t, _ in _pack(entries, SECTION_TEXT_LIMIT)]


def home_view(
    articles: Iterable[ArticleInfo],
    found: Digest | str,
    *,
    command: str = "/crosscheck",
    now: datetime | None = None,
) -> View:
    """The App Home tab: how to ask, the coverage, and the digest (or why it is missing,
    when `found` is a message), within a view's 100 blocks."""
    cmd = mrkdwn_escape(command)
    head = [
        _section(
            "*Crosscheck* answers questions about the news event from its coverage and shows where "
            f"the sources disagree. Ask with `{cmd} QUESTION`, by mentioning @Crosscheck in a "
            "channel, or in a direct message here."
        ),
        *coverage_blocks(articles, command),
        {"type": "divider"},
    ]
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    foot = [_context(f"Updated {stamp}; it updates when the coverage changes.")]
    room = VIEW_BLOCKS - len(head) - len(foot)
    if isinstance(found, str):
        body = [_section(mrkdwn_escape(_clip(found, SECTION_TEXT_LIMIT)))]
    else:
        body = digest_blocks(found, max_blocks=room, command=command)
    return {"type": "home", "blocks": (head + body)[: VIEW_BLOCKS - len(foot)] + foot}
