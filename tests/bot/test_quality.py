"""Answer quality on our own question sets, as a regression floor (not a target)."""

from __future__ import annotations

import pytest

from bot.answer import Engine
from bot.evaluate import judge, load_gold, summarize
from tests.conftest import DATA

# Floors sit a little under what the engine scores today, so a change that makes
# answers worse fails here; raise them as the engine improves.
FLOORS = {"answer_f1": 0.5, "abstain": 0.8}


@pytest.mark.parametrize("name", ["questions.jsonl"])
def test_question_set_scores_at_least_floor(engine: Engine, name: str) -> None:
    gold = load_gold(DATA / name)
    verdicts = [judge(g, engine.answer(g.question).model_dump()) for g in gold]
    summary = summarize(verdicts)
    for metric, floor in FLOORS.items():
        assert summary[metric] >= floor, f"{name}: {metric} expected >= {floor}, got {summary[metric]:.3f}"
