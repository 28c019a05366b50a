"""Block Kit rendering (bot/blocks.py): what a Slack message shows, escaped, within Slack's limits.

Every message is parsed back with slack_sdk.models.blocks, whose to_dict() raises
past a Block Kit limit (3,000 characters per section, 2,000 per button value, ...).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core.engine import Engine
from bot.core.models import Answer, Claim, Source
from bot.slack import blocks
from index.meta import ArticleInfo

URL = "https://news.example.com/baghdad?id=7&lang=en"


def source(n: int = 1, sentence: str | None = None, answer_text: str = "three", **fields: Any) -> Source:
    sentence = sentence or f"Officials said {answer_text} people were killed in the strike (report {n})."
    start = sentence.index(answer_text)
    values: dict[str, Any] = {
        "doc_id": f"{n:03d}_doc",
        "title": f"Article number {n}",
        "outlet": None,
        "url": None,
        "published": None,
        "sentence": sentence,
        "start": start,
        "end": start + len(answer_text),
        "attribution": None,
        "score": 0.8,
    }
    values.update(fields)
    return Source(**values)


def claim(value: str, sources: list[Source], text: str | None = None) -> Claim:
    return Claim(value=value, text=text or value, sources=sources)


def conflicting() -> Answer:
    return Answer(
        question="How many were killed in Baghdad?",
        kind="number",
        conflict=True,
        answers=[
            claim(
                "3",
                [
                    source(
                        1,
                        outlet="USNewsMag.com",
                        url=URL,
                        attribution="Iraqi security sources",
                        published="2024-02-08",
                    ),
                    source(2, answer_text="at least three"),
                ],
                text="three",
            ),
            claim("1", [source(3, answer_text="one", attribution="U.S. officials")], text="one"),
        ],
    )


def parsed(message: dict[str, Any]) -> list[Block]:
    """The message's blocks as slack_sdk models, checked against every Block Kit limit."""
    assert message["text"], f"expected a plain-text fallback, got {message!r}"
    assert 1 <= len(message["blocks"]) <= blocks.MAX_BLOCKS, (
        f"expected 1 to 50 blocks, got {len(message['blocks'])}"
    )
    models = Block.parse_all(message["blocks"])
    for block in models:
        block.to_dict()  # raises SlackObjectFormationError past a limit
    for text in texts(message):
        assert 0 < len(text) <= blocks.SECTION_TEXT_LIMIT, f"expected 1 to 3000 characters, got {len(text)}"
    return models


def texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn text of a message's blocks, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


def all_text(message: dict[str, Any]) -> str:
    return "\n".join(texts(message))


def buttons(message: dict[str, Any]) -> dict[str, ButtonElement]:
    found = {}
    for block in parsed(message):
        if isinstance(block, ActionsBlock):
            for element in block.elements:
                assert isinstance(element, ButtonElement), f"expected buttons only, got {element!r}"
                assert element.action_id is not None
                found[element.action_id] = element
    return found


# --- what an answer shows ----------------------------------------------------------------------------


def test_answer_message_shows_question_disagreement_values_counts_and_sources() -> None:
    message = blocks.answer_message(conflicting(), n_articles=5)
    shown = all_text(message)
    expected = [
        "How many were killed in Baghdad?",
        "*Sources disagree: 2 answers*",
        '1. *3* ("three") — 2 articles',
        '2. *1* ("one") — 1 article',
        f"<{URL.replace('&', '&amp;')}|USNewsMag.com> (2024-02-08) — according to Iraqi security sources",
        "• Article number 2\n>Officials said *at least three* people were killed",
        "— according to U.S. officials\n>Officials said *one* people were killed",
    ]
    for part in expected:
        assert part in shown, f"expected {part!r} in the message, got:\n{shown}"
    parsed(message)


def test_answer_message_without_disagreement_has_no_disagree_line() -> None:
    answer = Answer(
        question="Who was killed?",
        kind="person",
        conflict=False,
        answers=[claim("Wissam Al-Saadi", [source(1, answer_text="Wissam Al-Saadi")])],
    )
    shown = all_text(blocks.answer_message(answer))
    assert "disagree" not in shown, f"expected no disagreement line, got:\n{shown}"
    assert "1. *Wissam Al-Saadi* — 1 article" in shown, f"expected the value in bold, got:\n{shown}"


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"outlet": "Reuters", "url": "https://r.example/a"}, "<https://r.example/a|Reuters>"),
        ({"outlet": "Reuters"}, "• Reuters\n"),
        ({"url": "https://r.example/a"}, "<https://r.example/a|Article number 1>"),
        ({}, "• Article number 1\n"),
        ({"url": "javascript:alert(1)"}, "• Article number 1\n"),  # only http(s) URLs become links
        ({"url": "https://r.example/a|<!channel>"}, "• Article number 1\n"),
    ],
)
def test_source_label_is_the_outlet_else_the_title_linked_when_a_url_is_known(
    fields: dict[str, str], label: str
) -> None:
    answer = Answer(question="q?", kind="number", conflict=False, answers=[claim("3", [source(1, **fields)])])
    shown = all_text(blocks.answer_message(answer))
    assert label in shown, f"expected {label!r}, got:\n{shown}"


def test_the_answer_is_bold_inside_the_quoted_sentence_even_with_spaces_around_its_span() -> None:
    s = source(1, sentence="They said  three  were killed.")
    s = s.model_copy(update={"start": 9, "end": 17})  # " three  " with spaces
    shown = all_text(
        blocks.answer_message(Answer(question="q", kind="number", conflict=False, answers=[claim("3", [s])]))
    )
    assert ">They said *three* were killed." in shown, f"expected the bold to hug the word, got:\n{shown}"


def test_a_long_sentence_is_cut_around_the_answer() -> None:
    sentence = "word " * 400 + "exactly three people died " + "more " * 400
    shown = all_text(
        blocks.answer_message(
            Answer(
                question="q",
                kind="number",
                conflict=False,
                answers=[claim("3", [source(1, sentence=sentence)])],
            )
        )
    )
    quote = next(line for line in shown.splitlines() if line.startswith(">"))
    assert "*three*" in quote, f"expected the answer kept in the cut quote, got {quote!r}"
    assert len(quote) <= blocks.QUOTE_CHARS + 10, (
        f"expected about {blocks.QUOTE_CHARS} characters, got {len(quote)}"
    )
    assert quote.startswith(">…") and quote.endswith("…"), f"expected ellipses on both ends, got {quote!r}"


# --- escaping: nothing quoted can format, link or ping ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U0123ABC>", "&lt;@U0123ABC&gt;"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("AT&T", "AT&amp;T"),
        ("a > b", "a &gt; b"),
        ("ping @here and @Channel", "ping @\u2060here and @\u2060Channel"),
    ],
)
def test_mrkdwn_escape_leaves_nothing_that_links_or_pings(raw: str, shown: str) -> None:
    assert blocks.mrkdwn_escape(raw) == shown, f"expected {shown!r}, got {blocks.mrkdwn_escape(raw)!r}"


def test_article_text_and_question_are_escaped_everywhere_in_the_message() -> None:
    nasty = "<!channel> & <@U0123ABC> said <b>"
    answer = Answer(
        question=f"why {nasty}?",
        kind="number",
        conflict=False,
        notices=[f"Note {nasty}"],
        answers=[
            claim(
                "3",
                [source(1, sentence=f"{nasty} three died", outlet=nasty, attribution=nasty)],
                text=f"three {nasty}",
            )
        ],
    )
    message = blocks.answer_message(answer, share=True)
    for text in [*texts(message), message["text"]]:
        assert not re.search(r"<[!@#]|<b>|&(?!amp;|lt;|gt;)", text), (
            f"expected everything escaped, got {text!r}"
        )
    assert "&lt;!channel&gt; &amp; &lt;@U0123ABC&gt;" in all_text(message)


def test_every_mrkdwn_text_is_verbatim_so_slack_adds_no_links_or_mentions() -> None:
    message = blocks.answer_message(conflicting(), share=True)
    objects = [b["text"] for b in message["blocks"] if b["type"] == "section"]
    objects += [e for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert objects and all(o.get("verbatim") is True for o in objects), (
        f"expected verbatim mrkdwn, got {objects!r}"
    )


def test_shared_by_mentions_only_a_well_formed_user_id() -> None:
    ok = all_text(blocks.answer_message(conflicting(), shared_by="U0000002"))
    forged = all_text(blocks.answer_message(conflicting(), shared_by="U1> <!channel"))
    assert "Shared by <@U0000002>" in ok, f"expected the sharer named, got:\n{ok}"
    assert "Shared by" not in forged and "<!channel" not in forged, (
        f"expected no forged mention, got:\n{forged}"
    )


# --- buttons ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "sources", "expected"),
    [
        (False, 2, set()),
        (True, 2, {blocks.SHARE_ACTION}),
        (False, 40, {blocks.SHOW_ALL_ACTION}),
        (True, 40, {blocks.SHARE_ACTION, blocks.SHOW_ALL_ACTION}),
    ],
)
def test_buttons_share_when_asked_and_show_all_when_sources_were_left_out(
    share: bool, sources: int, expected: set[str]
) -> None:
    answer = Answer(
        question="q?",
        kind="number",
        conflict=False,
        answers=[claim("3", [source(n) for n in range(1, sources + 1)])],
    )
    found = buttons(blocks.answer_message(answer, share=share))
    assert set(found) == expected, f"expected buttons {expected}, got {set(found)}"
    assert all(b.value == "q?" for b in found.values()), "expected each button to carry the question"


def test_button_value_is_cut_to_slacks_2000_characters() -> None:
    answer = Answer(question="why " * 1500, kind="number", conflict=False, answers=[claim("3", [source(1)])])
    found = buttons(blocks.answer_message(answer, share=True))
    value = found[blocks.SHARE_ACTION].value or ""
    assert 0 < len(value) <= blocks.BUTTON_VALUE_LIMIT, f"expected at most 2000 characters, got {len(value)}"


# --- limits ----------------------------------------------------------------------------------------


def long_answer(n_sources: int = 40, n_claims: int = 1) -> Answer:
    """Claims whose sources have long titles, attributions and sentences."""
    claims = []
    for c in range(n_claims):
        sources = [
            source(
                n,
                sentence=("background " * 150) + f"some {c + 3} people died " + ("detail " * 150),
                answer_text=f"{c + 3}",
                outlet=None,
                title="A very long headline " * 20,
                attribution="officials who spoke on condition of anonymity " * 6,
                url=f"https://x.example/{n}",
            )
            for n in range(1, n_sources + 1)
        ]
        claims.append(claim(str(c + 3), sources))
    return Answer(question="How many died? " * 20, kind="number", conflict=n_claims > 1, answers=claims)


def test_a_long_answer_with_40_sources_holds_the_limits_and_offers_the_rest() -> None:
    message = blocks.answer_message(long_answer(40), share=True)
    parsed(message)
    shown = all_text(message)
    assert f"…and {40 - blocks.SOURCES_SHOWN} more sources" in shown, (
        f"expected the rest counted, got:\n{shown}"
    )
    assert blocks.SHOW_ALL_ACTION in buttons(message), "expected a Show all sources button"


def test_show_all_pages_hold_every_source_each_within_the_limits() -> None:
    pages = blocks.answer_pages(long_answer(40))
    quotes = 0
    for page in pages:
        parsed(page)
        quotes += sum(line.startswith(">") for text in texts(page) for line in text.splitlines())
    assert quotes == 40, f"expected all 40 sources across the pages, got {quotes}"
    assert 1 < len(pages) <= blocks.RESPONSE_URL_USES, f"expected 2 to 5 messages, got {len(pages)}"


def test_show_all_stops_at_five_messages_and_counts_what_is_left() -> None:
    pages = blocks.answer_pages(long_answer(40, n_claims=6))
    assert len(pages) == blocks.RESPONSE_URL_USES, f"expected 5 messages, got {len(pages)}"
    for page in pages:
        parsed(page)
    shown = sum(line.startswith(">") for page in pages for text in texts(page) for line in text.splitlines())
    last = all_text(pages[-1])
    assert f"…and {240 - shown} more sources not shown" in last, (
        f"expected the rest counted, got:\n{last[-300:]}"
    )


def test_many_answers_fit_in_50_blocks_with_the_rest_counted() -> None:
    answer = Answer(
        question="q?",
        kind="number",
        conflict=True,
        answers=[claim(str(n), [source(n), source(n + 1000)]) for n in range(80)],
    )
    message = blocks.answer_message(answer, share=True)
    parsed(message)
    shown = all_text(message)
    assert re.search(r"…and \d+ more answers \(\d+ sources\)", shown), (
        f"expected the rest counted, got:\n{shown}"
    )
    assert blocks.SHOW_ALL_ACTION in buttons(message)


# --- no answer, sources, help, notices --------------------------------------------------------------


def test_no_answer_says_so_with_the_closest_passages() -> None:
    closest = [source(1, outlet="Reuters").model_copy(update={"start": 0, "end": 0})]
    answer = Answer(
        question="What is the capital of France?",
        kind="place",
        conflict=False,
        answers=[],
        closest=closest,
        notices=["The articles never mention France."],
    )
    message = blocks.answer_message(answer, n_articles=5)
    shown = all_text(message)
    for part in [
        "I couldn't find that in the 5 articles.",
        "*Closest passages:*",
        "• Reuters",
        "Note: The articles never mention France.",
    ]:
        assert part in shown, f"expected {part!r}, got:\n{shown}"
    assert "*three*" not in shown, "expected no bold in a passage that gives no answer"
    assert "couldn't find" in message["text"]
    parsed(message)


def test_sources_message_lists_title_link_outlet_and_date() -> None:
    articles = [
        ArticleInfo(doc_id="a", title="Strike in Baghdad", outlet="Reuters", url=URL, published="2024-02-08"),
        ArticleInfo(doc_id="b", title="Second <story>", outlet=None, url=None, published=None),
    ]
    message = blocks.sources_message(articles)
    shown = all_text(message)
    assert "these 2 articles" in shown
    assert f"• <{URL.replace('&', '&amp;')}|Strike in Baghdad> — Reuters, 2024-02-08" in shown, shown
    assert "• Second &lt;story&gt;" in shown, shown
    parsed(message)


def test_sources_message_with_thousands_of_articles_holds_the_limits() -> None:
    articles = [
        ArticleInfo(doc_id=str(n), title="A long title " * 8, url=f"https://x.example/{n}")
        for n in range(3000)
    ]
    message = blocks.sources_message(articles)
    parsed(message)
    assert re.search(r"…and \d+ more articles", all_text(message)), "expected the rest counted"


def test_help_message_uses_the_configured_slash_command() -> None:
    shown = all_text(blocks.help_message("/factcheck"))
    for part in [
        "`/factcheck how many were killed?`",
        "`/factcheck sources`",
        "`/factcheck help`",
        "in a thread",
        "direct message",
        "Share in channel",
    ]:
        assert part in shown, f"expected {part!r}, got:\n{shown}"


def test_notice_message_is_escaped() -> None:
    message = blocks.notice_message("Bad <!channel> & co")
    assert all_text(message) == "Bad &lt;!channel&gt; &amp; co" == message["text"]


def test_fallback_text_is_one_short_line() -> None:
    text = blocks.fallback_text(conflicting())
    assert text == "How many were killed in Baghdad? — Sources disagree: 3 (2 articles); 1 (1 article)", text


# --- real answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how many were killed in Baghdad?",
        "who was killed in the strike?",
        "when was the attack on the base in Jordan?",
        "what is the capital of France?",
    ],
)
def test_real_answers_render_within_the_limits(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    for message in [blocks.answer_message(answer, n_articles=5, share=True), *blocks.answer_pages(answer)]:
        parsed(message)
