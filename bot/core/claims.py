"""Claims: candidates grouped by canonical value, the groups worth showing, each with its sources.

Candidates that give the same value form one group; a group is shown when its
best evidence is close to the best group's (sources disagreeing is the point,
weak echoes are not answers). A coarse date around one of the days, and a place
holding another answer's place, are the same answer said less precisely. Each
article is cited once per claim, with its best sentence.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.core.extract import SOURCE_PREFIX, Candidate
from bot.core.models import Claim, Source
from bot.core.question import Question
from index.entities import name_key
from index.places import contains
from index.store import Index

# A differing answer is shown when its best evidence is at least this share of the
# best answer's: sources disagreeing is the point, but weak echoes are not answers.
RELATIVE_FLOOR = 0.5
ABSOLUTE_FLOOR = 0.2

Groups = dict[str, list[Candidate]]


def group(q: Question, found: list[Candidate]) -> Groups:
    """Candidates by the value they give (by name key for "also known as" questions)."""
    if q.kind == "time" and not q.zone and any(c.mention.qualifier in (None, "local") for c in found):
        # "18:30 GMT" is the same moment as "9:30 p.m." local time, not a disagreement:
        # unless asked for a zone, times are local.
        found = [c for c in found if c.mention.qualifier in (None, "local")]
    groups: Groups = defaultdict(list)
    for c in found:
        key = name_key(c.mention.text) if q.alias else c.mention.value
        groups[key].append(c)
    return groups


def best_scores(groups: Groups) -> dict[str, float]:
    """Each group's best candidate score."""
    return {value: max(c.score for c in members) for value, members in groups.items()}


def claims(q: Question, found: list[Candidate], index: Index) -> list[Claim]:
    """The claims to show, most articles first, then the most confident."""
    groups = group(q, found)
    if not groups:
        return []
    best = best_scores(groups)
    # "the previous month" around January 27 and 28 must not set the bar the days must reach.
    values = drop_subsumed_dates(list(groups), best, groups, weaker=False)
    top = max(best[v] for v in values)
    kept = [v for v in values if best[v] >= max(ABSOLUTE_FLOOR, RELATIVE_FLOOR * top)]
    kept = drop_subsumed_dates(kept, best, groups, weaker=True)
    if q.kind == "place":
        kept = _drop_containers(kept, index)
    found_claims = []
    for value in kept:
        members = sorted(groups[value], key=lambda c: -c.score)
        per_doc: dict[str, Candidate] = {}
        for c in members:
            per_doc.setdefault(index.passage(c.passage).doc_id, c)
        lead = members[0]
        sources = [source(index, c.passage, c, c.score) for c in per_doc.values()]
        claim = _claim(lead, sources, index)
        if q.alias or lead.mention.value.startswith(SOURCE_PREFIX):
            claim.value, claim.aliases = lead.mention.text, []
        if q.weekday and lead.mention.kind == "date" and len(claim.value) == 10:
            claim.text = date.fromisoformat(claim.value).strftime("%A")
        found_claims.append((len(per_doc), best[value], claim))
    found_claims.sort(key=lambda item: (-item[0], -item[1]))
    return [claim for _, _, claim in found_claims]


def source(index: Index, number: int, c: Candidate | None, score: float) -> Source:
    """Passage `number` as a cited source; `c` marks the answer in it (None: the whole passage)."""
    p = index.passage(number)
    article = index.articles[p.doc_id]
    start, end = (c.mention.start, c.mention.end) if c else (0, 0)
    return Source(
        doc_id=p.doc_id, title=article.title, outlet=article.outlet, url=article.url,
        published=article.published, sentence=p.text, start=start, end=end,
        attribution=c.mention.attribution if c else None, score=round(min(1.0, max(0.0, score)), 3),
    )  # fmt: skip


def _drop_containers(kept: list[str], index: Index) -> list[str]:
    """Iraq around Mosul is the same answer said less precisely, not a disagreement."""
    entities = index.entities
    places = [v for v in kept if v in entities]

    def holds_another(value: str) -> bool:
        return any(o != value and contains(entities[value], entities[o], entities) for o in places)

    return [v for v in kept if v not in entities or not holds_another(v)]


def _claim(lead: Candidate, sources: list[Source], index: Index) -> Claim:
    m = lead.mention
    value, aliases = m.value, []
    if m.kind in ("person", "org", "place", "other", "norp") and m.value in index.entities:
        entity = index.entities[m.value]
        value = entity.name
        aliases = sorted({_pretty(k) for k in entity.keys} - {_pretty(entity.name)})
    return Claim(value=value, text=m.text, qualifier=m.qualifier, aliases=aliases, sources=sources)


def _pretty(key: str) -> str:
    return key.lower().replace("-", " ").replace("'", "")


def drop_subsumed_dates(kept: list[str], best: dict[str, float], groups: Groups, weaker: bool) -> list[str]:
    """Drop a coarse date ("last month") that holds one of the days, or (`weaker`) scores below one.

    A month or week around a day is the same answer said less precisely, or a
    different event mentioned in passing; either way not a disagreement to show.
    """
    days = [v for v in kept if groups[v][0].mention.kind == "date" and len(v) == 10]
    result = []
    for value in kept:
        coarse = groups[value][0].mention.kind == "date" and len(value) < 10
        if coarse and any(d.startswith(value) or (weaker and best[d] >= best[value]) for d in days):
            continue
        result.append(value)
    return result
