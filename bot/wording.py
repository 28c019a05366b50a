"""How an answer is worded, the same in every front end: labels, counts, headlines.

The terminal (bot/terminal/render.py) and Slack (bot/slack/blocks.py) show the
same things in the same order: the question, "Sources disagree: N answers"
where they do, then each answer with how many articles give it, and each
source with its outlet or title, attribution and the sentence quoted with the
answer marked. The phrases both build those from live here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.models import Answer, Claim, Source

if TYPE_CHECKING:
    from bot.core.digest import Digest, Disagreement


def source_label(source: Source) -> str:
    """ "USNewsMag.com: Drone Strike in Mosul ... (2024-02-08)" — outlet, title, date as known."""
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


def fact_title(d: Disagreement) -> str:
    """ "Killed in Mosul (the strike)" or "Date of the attack in Syria"."""
    if d.kind == "date":
        return f"Date of the {d.event or 'event'} in {d.place}"
    event = f" (the {d.event})" if d.event else ""
    return f"{d.measure.capitalize()} in {d.place}{event}"


def fact_values(d: Disagreement) -> str:
    """ "3 (3 articles) vs 1 (1 article)"."""
    return " vs ".join(f"{v.text if v.qualifier else v.value} ({count_phrase(v.articles, 'article')})"
                       for v in d.values)  # fmt: skip


NATURE_LABELS = {"update": "looks like an update over time", "disagreement": "sources disagree"}


def digest_summary(digest: Digest) -> str:
    """ "3 facts the articles disagree on; 2 all agree on (5 articles, 5 outlets)"."""
    listed = count_phrase(len(digest.disagreements), "fact")
    return (
        f"{listed} the articles differ on; {digest.agreed} all agree on "
        f"({count_phrase(digest.articles, 'article')}, {count_phrase(digest.outlets, 'outlet')})."
    )
