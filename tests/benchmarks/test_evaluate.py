"""`crosscheck eval`: gold answers matched by value and cited article; metrics over a question file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.evaluate import (
    GoldAnswer,
    Verdict,
    cited,
    evaluate_file,
    judge,
    load_gold,
    matches,
    summarize,
)
from bot.core.engine import Engine


def claim(value: str, text: str = "", docs: tuple[str, ...] = ("000_x",)) -> dict:
    return {"value": value, "text": text or value, "sources": [{"doc_id": d} for d in docs]}


@pytest.mark.parametrize(
    ("gold", "answer", "expected"),
    [
        ({"num": 3}, claim("3"), True),
        ({"num": 3}, claim("3 people"), True),
        ({"num": 2500}, claim("2,500"), True),
        ({"num": 3}, claim("1"), False),
        ({"date": "2024-01-28"}, claim("2024-01-28"), True),
        ({"date": "2024-01"}, claim("2024-01-28"), True),
        ({"date": "2024-01-28"}, claim("2024-01-27"), False),
        ({"time": "21:30"}, claim("21:30"), True),
        ({"time": "21:30"}, claim("09:30"), False),
        ({"keys": ["saadi"]}, claim("Wissam Muhammad Sabir Al-Saadi"), True),
        ({"keys": ["al saadi"]}, claim("Al-Saadi"), True),
        ({"keys": ["kataib"]}, claim("Mashtal"), False),
    ],
)
def test_matches_by_kind(gold: dict, answer: dict, expected: bool) -> None:
    got = matches(GoldAnswer(**gold, docs=["000"]), answer)
    assert got == expected, f"{gold} vs {answer['value']!r}: expected {expected}, got {got}"


def test_cited_by_doc_prefix() -> None:
    gold = GoldAnswer(num=3, docs=["000", "001", "003"])
    got = cited(gold, claim("3", docs=("000_abc", "002_def", "003_ghi")))
    assert got == {"000", "003"}, f"expected {{'000', '003'}}, got {got!r}"


@pytest.mark.parametrize(
    "gold",
    [{"docs": ["000"]}, {"num": 3, "date": "2024-01-28", "docs": ["000"]}, {"num": 3, "docs": []}],
    ids=["no-value", "two-values", "no-docs"],
)
def test_gold_answer_invalid(gold: dict) -> None:
    with pytest.raises(ValueError):
        GoldAnswer(**gold)


GOLD = {
    "id": "q1",
    "question": "how many?",
    "answers": [{"num": 3, "docs": ["000"]}, {"num": 1, "docs": ["003"]}],
}


@pytest.mark.parametrize(
    ("answers", "precision", "recall", "found_all"),
    [
        ([claim("3", docs=("000_x",)), claim("1", docs=("003_x",))], 1.0, 1.0, True),
        ([claim("3", docs=("000_x",))], 1.0, 0.5, False),
        ([claim("3", docs=("000_x",)), claim("7")], 0.5, 0.5, False),
        ([claim("3", docs=("002_x",))], 1.0, 0.0, False),  # right value, wrong article
        ([], 0.0, 0.0, False),
    ],
)
def test_judge_answerable(answers: list[dict], precision: float, recall: float, found_all: bool) -> None:
    v = judge(GOLD, {"answers": answers})
    got = (v.precision, v.recall, v.found_all)
    assert got == (precision, recall, found_all), f"expected {(precision, recall, found_all)}, got {got}"


@pytest.mark.parametrize(("answers", "abstained"), [([], True), ([claim("3")], False)])
def test_judge_unanswerable(answers: list[dict], abstained: bool) -> None:
    v = judge({"id": "q2", "question": "capital of France?", "answers": []}, {"answers": answers})
    assert (v.answerable, v.abstained) == (False, abstained), f"expected abstained={abstained}, got {v}"


def test_summarize_metrics() -> None:
    verdicts = [
        Verdict(
            answerable=True, multi=True, precision=1.0, recall=1.0, found_all=True, source_recall=[1.0, 0.5]
        ),
        Verdict(answerable=True, precision=0.5, recall=1.0, found_all=True, source_recall=[1.0]),
        Verdict(answerable=False, abstained=True),
        Verdict(answerable=False, abstained=False),
    ]
    got = summarize(verdicts)
    assert got["answer_p"] == 0.75 and got["answer_r"] == 1.0, f"expected P 0.75 and R 1.0, got {got}"
    assert got["conflict"] == 1.0 and got["abstain"] == 0.5, f"expected conflict 1.0, abstain 0.5, got {got}"
    assert got["source_recall"] == pytest.approx(2.5 / 3), f"expected source recall 0.833, got {got}"


def test_load_gold_names_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD) + "\n\n" + '{"id": "x", "question": "q", "answers": [{"num": 3}]}\n')
    with pytest.raises(ValueError, match=r"gold.jsonl:3: answers\.0\.docs"):
        load_gold(path)


def test_load_gold_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n" + json.dumps(GOLD) + "\n\n")
    assert [g.id for g in load_gold(path)] == ["q1"], "expected one question"


def test_evaluate_file_prints_summary(engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "gold.jsonl"
    rows = [
        {"id": "b", "question": "how many were killed in Baghdad?",
         "answers": [{"num": 3, "docs": ["000", "001", "003"]}, {"num": 1, "docs": ["003"]}]},
        {"id": "f", "question": "What is the capital of France?", "answers": []},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert evaluate_file(engine, path, verbose=True) == 0, "expected exit code 0"
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok  b") and out[1].startswith("ok  f"), (
        f"expected both questions ok, got {out!r}"
    )
    summary = json.loads(out[-1])
    assert (summary["answer_f1"], summary["abstain"], summary["questions"]) == (1.0, 1.0, 2), f"got {summary}"


@pytest.mark.parametrize("content", [None, '{"id": "x"}\n'], ids=["missing", "invalid"])
def test_evaluate_file_bad_file_exit_2(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture, content: str | None
) -> None:
    path = tmp_path / "gold.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert evaluate_file(engine, path) == 2, "expected exit code 2"
    assert "gold.jsonl" in capsys.readouterr().err, "expected the message to name the file"


@pytest.mark.parametrize(
    ("gold_answers", "shown", "strays"),
    [
        ([{"num": 3, "docs": ["a"]}, {"num": 1, "docs": ["b"]}], ["3", "1"], []),  # a real disagreement
        ([{"num": 3, "docs": ["a"]}], ["3", "40"], ["40"]),  # another event's toll mixed in
        ([], ["3", "40"], ["3", "40"]),  # nothing to answer, yet "sources disagree"
        ([{"num": 3, "docs": ["a"]}], ["40"], []),  # wrong, but no disagreement shown
    ],
)
def test_judge_counts_false_disagreements(gold_answers, shown, strays) -> None:
    gold = {"id": "x", "question": "how many?", "answers": gold_answers}
    result = {"answers": [{"value": v, "text": v, "sources": [{"doc_id": "a"}]} for v in shown]}
    verdict = judge(gold, result)
    assert verdict.strays == strays, f"expected strays {strays}, got {verdict.strays}"
    assert verdict.false_disagreement == bool(strays)
