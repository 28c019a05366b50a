"""`crosscheck eval FILE.jsonl`: score a question file, for users who keep their own sets.

The file format is that of shared/eval/dev.jsonl: one JSON object per line with
`id`, `question` and `answers`, each gold answer one of {"num": 3},
{"date": "2024-01-28"}, {"time": "21:30"} or {"keys": ["saadi"]}, plus "docs": the
doc_id prefixes that support it. An empty `answers` list means "not in the coverage".

A gold answer is found when a returned answer matches its value and cites one of
its documents. Reported: answer precision/recall/F1 (averaged over answerable
questions), conflict (multi-answer questions with every answer found), source
recall (share of gold documents cited for found answers) and abstain (share of
unanswerable questions answered with nothing).
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator


class GoldAnswer(BaseModel):
    num: float | None = None
    date: str | None = None
    time: str | None = None
    keys: list[str] | None = None
    docs: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_kind(self) -> GoldAnswer:
        if sum(x is not None for x in (self.num, self.date, self.time, self.keys)) != 1:
            raise ValueError("give exactly one of num, date, time, keys")
        return self


class GoldQuestion(BaseModel):
    id: str
    question: str
    answers: list[GoldAnswer]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower().replace("-", " ")).strip()


def _first_number(text: str) -> float | None:
    match = re.search(r"\d[\d,]*(?:\.\d+)?", text or "")
    return float(match.group().replace(",", "")) if match else None


def matches(gold: GoldAnswer, answer: dict[str, Any]) -> bool:
    """Does a returned answer give the gold value?"""
    value, text = str(answer.get("value", "")), str(answer.get("text", ""))
    if gold.num is not None:
        return _first_number(value) == gold.num
    if gold.date is not None:
        return value.startswith(gold.date)
    if gold.time is not None:
        return value[:5] == gold.time
    hay = _fold(value + " " + text)
    return any(_fold(k) in hay for k in gold.keys or [])


def cited(gold: GoldAnswer, answer: dict[str, Any]) -> set[str]:
    ids = [str(s.get("doc_id", "")) for s in answer.get("sources", [])]
    return {d for d in gold.docs if any(i.startswith(d) for i in ids)}


@dataclass
class Verdict:
    """How one question fared."""

    answerable: bool
    multi: bool = False  # the gold has more than one answer: a disagreement to find
    precision: float = 0.0
    recall: float = 0.0
    found_all: bool = False
    source_recall: list[float] | None = None
    abstained: bool = False
    # Shown as "sources disagree" with an answer the gold does not have: another event or
    # another thing counted mixed into the disagreement (the worst thing to show).
    strays: list[str] = field(default_factory=list)

    @property
    def false_disagreement(self) -> bool:
        return bool(self.strays)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def perfect(self) -> bool:
        return self.abstained if not self.answerable else self.precision == 1.0 and self.recall == 1.0


def judge(gold: dict[str, Any] | GoldQuestion, result: dict[str, Any]) -> Verdict:
    """Score one answer (the JSON contract as a dict) against its gold question."""
    g = gold if isinstance(gold, GoldQuestion) else GoldQuestion.model_validate(gold)
    answers = result.get("answers", []) or []
    if not g.answers:
        strays = [str(a.get("value")) for a in answers] if len(answers) > 1 else []
        return Verdict(answerable=False, abstained=not answers, strays=strays)
    found, source_recall = 0, []
    for gold_answer in g.answers:
        hits = [a for a in answers if matches(gold_answer, a) and cited(gold_answer, a)]
        if hits:
            found += 1
            docs = set().union(*(cited(gold_answer, a) for a in hits))
            source_recall.append(len(docs) / len(gold_answer.docs))
    good = sum(1 for a in answers if any(matches(ga, a) for ga in g.answers))
    strays = [str(a.get("value")) for a in answers if not any(matches(ga, a) for ga in g.answers)]
    return Verdict(
        strays=strays if len(answers) > 1 else [],
        answerable=True,
        multi=len(g.answers) > 1,
        precision=good / len(answers) if answers else 0.0,
        recall=found / len(g.answers),
        found_all=found == len(g.answers),
        source_recall=source_recall,
    )


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read a question file; raises ValueError naming the line that is wrong."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            questions.append(GoldQuestion.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise ValueError(f"{path}:{number}: {where}: {first['msg']}") from None
    return questions


def summarize(verdicts: list[Verdict]) -> dict[str, float]:
    """The metrics over a set of verdicts."""
    answerable = [v for v in verdicts if v.answerable]
    multi = [v for v in answerable if v.multi]
    sources = [s for v in answerable for s in (v.source_recall or [])]
    unanswerable = [v for v in verdicts if not v.answerable]
    n = max(len(answerable), 1)
    return {
        "answer_f1": sum(v.f1 for v in answerable) / n,
        "answer_p": sum(v.precision for v in answerable) / n,
        "answer_r": sum(v.recall for v in answerable) / n,
        "conflict": sum(v.found_all for v in multi) / max(len(multi), 1),
        "source_recall": sum(sources) / max(len(sources), 1),
        "abstain": sum(v.abstained for v in unanswerable) / max(len(unanswerable), 1),
        "false_disagreements": sum(v.false_disagreement for v in verdicts),
    }


def evaluate_file(engine, path: Path, verbose: bool = False) -> int:
    """Score every question of a file with `engine`; print a summary line (and rows with -v)."""
    try:
        gold = load_gold(path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"crosscheck: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"crosscheck: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    verdicts = []
    for g in gold:
        result = engine.answer(g.question).model_dump()
        verdict = judge(g, result)
        verdicts.append(verdict)
        if verbose:
            got = [a["value"] for a in result["answers"]]
            state = "ok " if verdict.perfect else "BAD"
            print(f"{state} {g.id}  P={verdict.precision:.2f} R={verdict.recall:.2f}  {g.question}  -> {got}")
        if verdict.false_disagreement:
            print(f"false disagreement {g.id}  {g.question}  -> not in the gold: {verdict.strays}")
    summary = {k: round(v, 3) for k, v in summarize(verdicts).items()}
    summary |= {"seconds": round(time.perf_counter() - started, 2), "questions": len(gold)}
    print(json.dumps(summary))
    return 0
