"""Answers as plain text for the terminal (the CLI and the REPL)."""

from __future__ import annotations

import textwrap

from bot.core.digest import Digest
from bot.core.models import Answer, Source
from bot.wording import (
    NATURE_LABELS,
    claim_title,
    count_phrase,
    digest_summary,
    fact_title,
    fact_values,
    marked_sentence,
    source_label,
)

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
            lines += _source_lines(source, bold, indent=3)
    return "\n".join(lines)


def _source_lines(source: Source, bold: tuple[str, str], indent: int) -> list[str]:
    """One cited source: "- label — according to X", then its sentence with the answer marked,
    wrapped four columns further in."""
    who = f" — according to {source.attribution}" if source.attribution else ""
    quote = textwrap.fill(f'"{marked_sentence(source, *bold)}"', WIDTH - indent - 4)
    return [f"{' ' * indent}- {source_label(source)}{who}", textwrap.indent(quote, " " * (indent + 4))]


def digest_text(digest: Digest, bold: tuple[str, str] = ("**", "**")) -> str:
    """The disagreement digest as plain text: each fact, its values, and every source of each."""
    lines = ["Where the sources disagree", digest_summary(digest)]
    lines += [f"Note: {notice}" for notice in digest.notices]
    for n, d in enumerate(digest.disagreements, 1):
        lines.append("")
        lines.append(f"{n}. {fact_title(d)}: {fact_values(d)}")
        lines.append(f"   {NATURE_LABELS[d.nature]}: {d.why}")
        lines.append(f'   ask: "{d.question}"')
        for v in d.values:
            lines.append(f"   {claim_title_of(v.value, v.text)} — {count_phrase(v.articles, 'article')}")
            for source in v.sources:
                lines += _source_lines(source, bold, indent=5)
    if not digest.disagreements:
        lines.append("")
        lines.append("No fact found on which the articles differ.")
    return "\n".join(lines)


def claim_title_of(value: str, text: str) -> str:
    return f'{value} ("{text}")' if text and text.lower() != value.lower() else value
