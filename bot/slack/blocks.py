"""Answers as Slack Block Kit messages.

`answer_message`, `answer_pages`, `sources_message`, `digest_message`,
`help_message` and `notice_message` return the JSON-ready dict a Slack message is
made of (`text` for notifications, `blocks`), always within Block Kit's limits,
and never import slack_sdk: `crosscheck ask` does not pay for it. `digest_blocks`
is the digest App Home shows too (bot/slack/views.py). The wording is shared with
the terminal (bot/wording.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.core.models import Answer, Claim, Source
from bot.wording import NATURE_LABELS, count_phrase, digest_summary, fact_title, fact_values, headline
from index.meta import ArticleInfo

if TYPE_CHECKING:  # the digest's models, not its machinery: blocks.py stays cheap to import
    from bot.core.digest import Digest, Disagreement

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks).
SECTION_TEXT_LIMIT = 3000  # characters in one section's or context element's text
MAX_BLOCKS = 50  # blocks in one message
BUTTON_VALUE_LIMIT = 2000  # characters in a button's value
RESPONSE_URL_USES = 5  # messages one response_url accepts (within 30 minutes)
# Ours, so a message stays readable: the first message shows a few sources per answer
# and "Show all sources" sends the rest; quotes are cut around the answer.
SOURCES_SHOWN = 5
QUOTE_CHARS = 500
LABEL_CHARS = 150
PAGE_CHARS = 12_000  # of mrkdwn per "Show all sources" message

# The digest in one message: a few sources per value, then a count of the rest.
DIGEST_SOURCES_SHOWN = 2
DIGEST_QUOTE_CHARS = 300
CLI_DIGEST = "crosscheck disagreements"

SHARE_ACTION = "crosscheck_share"
SHOW_ALL_ACTION = "crosscheck_show_all"
HELPFUL_ACTION = "crosscheck_helpful"
WRONG_ACTION = "crosscheck_wrong"

Message = dict[str, Any]
Block = dict[str, Any]

_SPECIAL_MENTION_RE = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_LINKABLE_URL_RE = re.compile(r"https?://[^\s<>|]+\Z")
_USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,}\Z")
_WORD_JOINER = "\u2060"


def mrkdwn_escape(text: str) -> str:
    """Text that shows as itself in Slack mrkdwn and can never ping anyone.

    `&`, `<` and `>` are escaped, so no `<!channel>`, `<!here>`, `<@U123>` or link
    can form from quoted text; a bare "@here" gets an invisible word joiner after
    the "@" so no client turns it into a mention either.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL_MENTION_RE.sub("@" + _WORD_JOINER, text)


def _squash(text: str) -> str:
    """Runs of whitespace (newlines too: they would end a quote) as one space; the ends are kept."""
    return re.sub(r"\s+", " ", text)


def _cut_end(text: str, limit: int) -> str:
    """At most `limit` characters from the start of `text`, cut at a space where one is near."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0] + " "
    return cut + "…"


def _cut_start(text: str, limit: int) -> str:
    """At most `limit` characters from the end of `text`, cut at a space where one is near."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[len(text) - (limit - 1) :]
    if " " in cut[: limit // 2]:
        cut = " " + cut.split(" ", 1)[1]
    return "…" + cut


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return _cut_end(" ".join(text.split()), limit)


def _quote(source: Source, limit: int = QUOTE_CHARS) -> str:
    """The sentence as mrkdwn with the answer in bold, cut to about `limit` characters around it."""
    s, a, b = source.sentence, source.start, source.end
    core = " ".join(s[a:b].split()) if 0 <= a < b <= len(s) else ""
    if not core:
        return mrkdwn_escape(_clip(s, limit))
    core = _clip(core, limit // 2)
    # Slack bolds only when the asterisks touch the words: spaces go outside them.
    span = s[a:b]
    before = _squash(s[:a] + span[: len(span) - len(span.lstrip())]).lstrip()
    after = _squash(span[len(span.rstrip()) :] + s[b:]).rstrip()
    room = max(0, limit - len(core))
    keep_before = max(room - len(after), room // 2)
    keep_after = room - min(len(before), keep_before)
    before, after = _cut_start(before, keep_before), _cut_end(after, keep_after)
    return f"{mrkdwn_escape(before)}*{mrkdwn_escape(core)}*{mrkdwn_escape(after)}"


def _link(url: str | None, label: str) -> str:
    """`label` escaped, linked to `url` when that is a plain http(s) URL."""
    shown = mrkdwn_escape(label)
    if url and len(url) <= SECTION_TEXT_LIMIT // 2 and _LINKABLE_URL_RE.match(url):
        return f"<{url.replace('&', '&amp;')}|{shown}>"
    return shown


def _source_entry(source: Source, quote_chars: int = QUOTE_CHARS) -> str:
    """ "• <url|Outlet> (date) — according to X" then the sentence as a quote."""
    line = "• " + _link(source.url, _clip(source.outlet or source.title))
    if source.published:
        line += f" ({mrkdwn_escape(_clip(source.published))})"
    if source.attribution:
        line += f" — according to {mrkdwn_escape(_clip(source.attribution))}"
    return f"{line}\n>{_quote(source, quote_chars)}"


def _claim_line(n: int, claim: Claim) -> str:
    line = f"{n}. *{mrkdwn_escape(_clip(claim.value))}*"
    if claim.text and claim.text.lower() != claim.value.lower():
        line += f' ("{mrkdwn_escape(_clip(claim.text))}")'
    if claim.aliases:
        line += f" — also {mrkdwn_escape(_clip(', '.join(claim.aliases)))}"
    return f"{line} — {count_phrase(len(claim.sources), 'article')}"


def _pack(entries: Iterable[tuple[str, int]], limit: int = SECTION_TEXT_LIMIT) -> list[tuple[str, int]]:
    """(text, sources) entries joined by newlines into as few texts of at most `limit` as possible.

    Returns (text, how many sources it holds) per text. Entries are far shorter than
    `limit` by construction; a longer one is cut as a last resort.
    """
    packed: list[tuple[str, int]] = []
    for text_, sources in entries:
        if len(text_) > limit:
            text_ = text_[: limit - 1] + "…"
        if packed and len(packed[-1][0]) + 1 + len(text_) <= limit:
            packed[-1] = (f"{packed[-1][0]}\n{text_}", packed[-1][1] + sources)
        else:
            packed.append((text_, sources))
    return packed


def _section(text_: str) -> Block:
    # verbatim: Slack must not turn words into links or mentions of its own accord.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text_, "verbatim": True}}


def _context(text_: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text_, "verbatim": True}]}


def _buttons(answer: Answer, share: bool, show_all: bool, feedback: bool = False) -> list[Block]:
    """The actions block. Share and Show all carry the question, so a click can answer it again;
    the feedback buttons carry the question and the answer as shown (`feedback_value`)."""
    value = answer.question[:BUTTON_VALUE_LIMIT]
    buttons: list[dict[str, Any]] = []
    if share:
        buttons.append({"type": "button", "action_id": SHARE_ACTION, "style": "primary", "value": value,
                        "text": {"type": "plain_text", "text": "Share in channel"}})  # fmt: skip
    if show_all:
        buttons.append({"type": "button", "action_id": SHOW_ALL_ACTION, "value": value,
                        "text": {"type": "plain_text", "text": "Show all sources"}})  # fmt: skip
    if feedback:
        said = feedback_value(answer.question, headline(answer))
        buttons.append({"type": "button", "action_id": HELPFUL_ACTION, "value": said,
                        "text": {"type": "plain_text", "text": "Helpful"}})  # fmt: skip
        buttons.append({"type": "button", "action_id": WRONG_ACTION, "value": said,
                        "text": {"type": "plain_text", "text": "Something's wrong"}})  # fmt: skip
    return [{"type": "actions", "elements": buttons}] if buttons else []


def feedback_value(question: str, shown: str, limit: int = BUTTON_VALUE_LIMIT) -> str:
    """The question and the answer as shown, as JSON of at most `limit` characters (both cut
    as needed), for a feedback button's value or a modal's private_metadata."""
    q, a = question, shown
    while True:
        value = json.dumps({"q": q, "a": a}, ensure_ascii=False)
        if len(value) <= limit:
            return value
        over = len(value) - limit
        # Cut the longer one first; escapes (quotes, backslashes) make JSON longer than the text.
        if len(a) >= len(q):
            a = _cut_end(a, max(1, len(a) - over))
        else:
            q = _cut_end(q, max(1, len(q) - over))


def read_feedback_value(value: str) -> tuple[str, str]:
    """(question, answer shown) from `feedback_value`'s JSON; ("", "") when it is not that."""
    try:
        data = json.loads(value)
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("q") or ""), str(data.get("a") or "")


def _head(answer: Answer, shared_by: str | None) -> list[Block]:
    lines = [f"*Question:* {mrkdwn_escape(_clip(answer.question, SECTION_TEXT_LIMIT // 2))}"]
    if answer.conflict:
        lines.append(f"*Sources disagree: {len(answer.answers)} answers*")
    blocks = [_section("\n".join(lines))]
    notes = [mrkdwn_escape(_clip(f"Note: {notice}", 500)) for notice in answer.notices[:4]]
    if shared_by and _USER_ID_RE.match(shared_by):
        notes.append(f"Shared by <@{shared_by}>")
    if notes:
        blocks.append(_context("\n".join(notes)))
    return blocks


def _claim_blocks(n: int, claim: Claim, shown: int | None) -> list[tuple[Block, int]]:
    """One answer as sections, with `shown` of its sources (all for None): (block, sources in it)."""
    sources = claim.sources if shown is None else claim.sources[:shown]
    hidden = len(claim.sources) - len(sources)
    entries = [(_claim_line(n, claim), 0), *((_source_entry(s), 1) for s in sources)]
    if hidden:
        entries.append((f"_…and {count_phrase(hidden, 'more source')}_", 0))
    return [(_section(t), k) for t, k in _pack(entries)]


def fallback_text(answer: Answer, n_articles: int | None = None) -> str:
    """The message's plain `text`: what notifications and screen readers announce."""
    if answer.answers:
        said = headline(answer)
    else:
        said = f"I couldn't find that in the {n_articles} articles." if n_articles else "No answer found."
    return mrkdwn_escape(_clip(f"{answer.question} — {said}", SECTION_TEXT_LIMIT))


def answer_message(
    answer: Answer,
    *,
    n_articles: int | None = None,
    share: bool = False,
    shared_by: str | None = None,
    sources_shown: int = SOURCES_SHOWN,
    feedback: bool = False,
) -> Message:
    """An answer as one Slack message: `{"text": ..., "blocks": [...]}` within Block Kit's limits.

    Shows up to `sources_shown` sources per answer (fewer when the 50 blocks would
    not hold them; then as many answers as fit), ending with "and N more sources"
    and a "Show all sources" button (action SHOW_ALL_ACTION) when any were left
    out. `share` adds a "Share in channel" button (SHARE_ACTION); both buttons
    carry the question as their value. `feedback` adds "Helpful" (HELPFUL_ACTION)
    and "Something's wrong" (WRONG_ACTION), carrying the question and the answer's
    headline. `shared_by` (a user id) notes who shared it.
    No answer: "I couldn't find that in the N articles" with the closest passages.
    """
    head = _head(answer, shared_by)
    if not answer.answers:
        where = f"the {n_articles} articles" if n_articles else "the articles"
        entries = [(f"I couldn't find that in {where}.", 0)]
        if answer.closest:
            entries += [("*Closest passages:*", 0), *((_source_entry(s), 1) for s in answer.closest)]
        closest = [_section(t) for t, _ in _pack(entries)][: MAX_BLOCKS - len(head) - 1]
        return {"text": fallback_text(answer, n_articles),
                "blocks": head + closest + _buttons(answer, share, False, feedback)}  # fmt: skip
    room = MAX_BLOCKS - len(head) - 1  # one block kept for the buttons
    for cap in range(max(sources_shown, 1), 0, -1):  # fewer sources per answer until all answers fit
        parts = [_claim_blocks(n, claim, cap) for n, claim in enumerate(answer.answers, 1)]
        if sum(map(len, parts)) <= room:
            break
    body: list[tuple[Block, int]] = []
    if sum(map(len, parts)) <= room:
        body = [item for part in parts for item in part]
    else:  # too many answers even at one source each: as many as fit, then a count of the rest
        for i, part in enumerate(parts):
            if len(body) + len(part) > room - 1:  # one block kept for "and N more answers"
                rest = answer.answers[i:]
                n_rest = sum(len(c.sources) for c in rest)
                body.append((_context(f"_…and {count_phrase(len(rest), 'more answer')} "
                                      f"({count_phrase(n_rest, 'source')})_"), 0))  # fmt: skip
                break
            body += part
    left_out = sum(len(c.sources) for c in answer.answers) > sum(k for _, k in body)
    shown = [block for block, _ in body]
    return {"text": fallback_text(answer, n_articles),
            "blocks": head + shown + _buttons(answer, share, left_out, feedback)}  # fmt: skip


def answer_pages(
    answer: Answer, *, n_articles: int | None = None, max_pages: int = RESPONSE_URL_USES
) -> list[Message]:
    """Every source of an answer (for "Show all sources"), split into messages within the limits.

    At most `max_pages` messages (a response_url takes five); should even that not
    hold everything, the last ends with "and N more sources not shown".
    """
    if not answer.answers:
        return [answer_message(answer, n_articles=n_articles)]
    items = [(block, 0) for block in _head(answer, None)]
    for n, claim in enumerate(answer.answers, 1):
        items += _claim_blocks(n, claim, None)
    pages: list[list[tuple[Block, int]]] = [[]]
    chars = 0
    for block, k in items:
        size = len(block.get("text", {}).get("text", ""))
        if pages[-1] and (len(pages[-1]) >= MAX_BLOCKS or chars + size > PAGE_CHARS):
            pages.append([])
            chars = 0
        pages[-1].append((block, k))
        chars += size
    if len(pages) > max_pages:
        pages = pages[:max_pages]
        if len(pages[-1]) >= MAX_BLOCKS:
            pages[-1].pop()
        left = sum(len(c.sources) for c in answer.answers) - sum(k for page in pages for _, k in page)
        pages[-1].append((_context(f"_…and {count_phrase(left, 'more source')} not shown_"), 0))
    base = fallback_text(answer, n_articles)
    return [
        {"text": base if len(pages) == 1 else f"{base} ({i} of {len(pages)})", "blocks": [b for b, _ in page]}
        for i, page in enumerate(pages, 1)
    ]


def sources_message(articles: Iterable[ArticleInfo]) -> Message:
    """The articles answers come from: title (linked where a URL is known), outlet and date."""
    items = list(articles)
    entries = [(f"Crosscheck answers from these {count_phrase(len(items), 'article')}:", 0)]
    for article in items:
        line = "• " + _link(article.url, _clip(article.title or article.doc_id))
        meta = ", ".join(x for x in (article.outlet, article.published) if x)
        if meta:
            line += f" — {mrkdwn_escape(_clip(meta))}"
        line += f" `{mrkdwn_escape(article.doc_id)}`"  # what `/crosscheck remove ID` takes
        entries.append((line, 1))
    packed = _pack(entries)
    if len(packed) > MAX_BLOCKS:
        packed = packed[: MAX_BLOCKS - 1]
        left = len(items) - sum(k for _, k in packed)
        packed.append((f"_…and {count_phrase(left, 'more article')}_", 0))
    blocks = [_section(t) for t, _ in packed]
    return {"text": f"{count_phrase(len(items), 'article')}", "blocks": blocks}


def _digest_entries(n: int, d: Disagreement, command: str) -> list[tuple[str, int]]:
    """One fact of the digest as (text, 0) entries: what, its values, a few sources of each."""
    title = f"*{n}. {mrkdwn_escape(_clip(fact_title(d)))}:* {mrkdwn_escape(_clip(fact_values(d), 600))}"
    entries = [(f"{title}\n_{mrkdwn_escape(_clip(f'{NATURE_LABELS[d.nature]}: {d.why}', 300))}_", 0)]
    for v in d.values:
        shown = v.text if v.qualifier or v.text.lower() == v.value.lower() else f'{v.value} ("{v.text}")'
        entries.append((f"*{mrkdwn_escape(_clip(shown))}* — {count_phrase(v.articles, 'article')}", 0))
        entries += [(_source_entry(s, DIGEST_QUOTE_CHARS), 0) for s in v.sources[:DIGEST_SOURCES_SHOWN]]
        hidden = len(v.sources) - DIGEST_SOURCES_SHOWN
        if hidden > 0:
            entries.append((f"_…and {count_phrase(hidden, 'more source')}_", 0))
    ask = mrkdwn_escape(f"{command} {_clip(d.question, 300)}")
    entries.append((f"Every source: `{ask}`", 0))
    return entries


def digest_blocks(
    digest: Digest, *, max_blocks: int = MAX_BLOCKS, command: str = "/crosscheck"
) -> list[Block]:
    """The disagreement digest as at most `max_blocks` blocks: a summary, then each fact the
    articles differ on. Facts that do not fit are counted in a last note that says how to see
    them all (`crosscheck disagreements` in a terminal). `command` is the slash command's name."""
    head = [_section(f"*Where the sources disagree*\n{mrkdwn_escape(digest_summary(digest))}")]
    if digest.notices:
        head.append(_context("\n".join(mrkdwn_escape(_clip(f"Note: {x}", 500)) for x in digest.notices[:4])))
    if not digest.disagreements:
        return [*head, _section("No fact found on which the articles differ.")]
    body: list[Block] = []
    for n, d in enumerate(digest.disagreements, 1):
        part = [_section(t) for t, _ in _pack(_digest_entries(n, d, command))]
        if len(head) + len(body) + len(part) > max_blocks - 1:  # one block kept for the note
            rest = len(digest.disagreements) - n + 1
            body.append(_context(f"_…and {count_phrase(rest, 'more fact')} the articles differ on: "
                                 f"`{CLI_DIGEST}` in a terminal lists them all._"))  # fmt: skip
            break
        body += part
    return head + body


def digest_message(digest: Digest, command: str = "/crosscheck") -> Message:
    """The disagreement digest as one Slack message within Block Kit's limits (`digest_blocks`)."""
    return {"text": mrkdwn_escape(f"Where the sources disagree: {digest_summary(digest)}"),
            "blocks": digest_blocks(digest, command=command)}  # fmt: skip


def help_message(command: str = "/crosscheck") -> Message:
    """How to use Crosscheck in Slack; `command` is the slash command's name."""
    cmd = mrkdwn_escape(command)
    example = "how many were killed?"
    lines = [
        "*Crosscheck* answers questions about the news event from its articles, and shows every "
        "differing answer with its source.",
        f"• `{cmd} {example}` — the answer, shown only to you, with a *Share in channel* button",
        f"• `@Crosscheck {example}` in a channel — the answer in a thread",
        "• a direct message to Crosscheck — the answer in the DM",
        f"• `{cmd} sources` — the articles, with their ids",
        f"• `{cmd} disagreements` — every fact the articles differ on, without a question",
        f"• `{cmd} add URL` / `{cmd} remove ID` — add or take out an article (for coverage editors)",
        '• a reply in Crosscheck\'s thread ("and in Syria?", "when was that?") — a follow-up, '
        "read with the thread's question",
        "• the *Home* tab — the coverage and where it disagrees",
        f"• `{cmd} help` — this text",
    ]
    return {"text": f"Ask a question: {cmd} {example}", "blocks": [_section("\n".join(lines))]}


def notice_message(message: str) -> Message:
    """A short message to the user (an error, a hint), escaped."""
    shown = mrkdwn_escape(_clip(message, SECTION_TEXT_LIMIT))
    return {"text": shown, "blocks": [_section(shown)]}
