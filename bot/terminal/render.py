"""Answers as plain text for the terminal (the CLI and the REPL)."""

from __future__ import annotations

import textwrap

from bot.core.models import Answer
from bot.wording import claim_title, count_phrase, marked_sentence, source_label

WIDTH = 100


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
