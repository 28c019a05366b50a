"""Answers as text for people: the terminal (CLI, REPL). Slack Block Kit lives in slack_blocks.py.

Both show the same things in the same order: the question, "Sources disagree: N
answers" where they do, then each answer with how many articles give it, and
each source with its outlet or title, attribution and the sentence quoted with
the answer marked.
"""

from __future__ import annotations

import textwrap

from bot.models import Answer, Claim, Source

WIDTH = 100


def source_label(source: Source) -> str:
    """ "USNewsMag.com: Drone Strike in Baghdad ... (2024-02-08)" — outlet, title, date as known."""
    parts = [source.outlet, source.title] if source.outlet else [source.title]
    label = ": ".join(p for p in parts if p)
    return f"{label} ({source.published})" if source.published else label


def marked_sentence(source: Source, left: str, right: str) -> str:
    """The sentence with the answer span wrapped in markers."""
    s, a, b = source.sentence, source.start, source.end
    if not (0 <= a < b <= len(s)):
        return s
    return f"{s[:a]}{left}{s[a:b]}{right}{s[b:]}"


def count_phrase(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def headline(answer: Answer) -> str:
    """One line: what the sources say, for notifications and summaries."""
    if not answer.answers:
        return "No answer in the coverage."
    if answer.conflict:
        values = "; ".join(f"{c.value} ({count_phrase(len(c.sources), 'article')})" for c in answer.answers)
        return f"Sources disagree: {values}"
    claim = answer.answers[0]
    return f"{claim.value} ({count_phrase(len(claim.sources), 'article')})"


def claim_title(claim: Claim) -> str:
    shown = claim.value
    if claim.text and claim.text.lower() != claim.value.lower():
        shown += f' ("{claim.text}")'
    if claim.aliases:
        shown += f" — also {', '.join(claim.aliases)}"
    return shown


def text(answer: Answer, bold: tuple[str, str] = ("**", "**"), n_articles: int | None = None) -> str:
    """A plain-text rendering of an answer; `bold` marks the answer inside quoted sentences."""
    lines = [answer.question]
    for notice in answer.notices:
        lines.append(f"Note: {notice}")
    if not answer.answers:
        where = f"the {n_articles} articles" if n_articles else "the articles"
        lines.append(f"I couldn't find that in {where}.")
        if answer.closest:
            lines.append("Closest passages:")
            for source in answer.closest:
                lines.append(f"  - {source_label(source)}")
                lines.append(textwrap.indent(textwrap.fill(f'"{source.sentence}"', WIDTH - 6), "      "))
        return "\n".join(lines)
    if answer.conflict:
        lines.append(f"Sources disagree: {len(answer.answers)} answers")
    for n, claim in enumerate(answer.answers, 1):
        lines.append("")
        lines.append(f"{n}. {claim_title(claim)} — {count_phrase(len(claim.sources), 'article')}")
        for source in claim.sources:
            who = f" — according to {source.attribution}" if source.attribution else ""
            lines.append(f"   - {source_label(source)}{who}")
            quote = f'"{marked_sentence(source, *bold)}"'
            lines.append(textwrap.indent(textwrap.fill(quote, WIDTH - 7), "       "))
    return "\n".join(lines)
