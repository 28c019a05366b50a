"""Show the questions of a gold file the bot gets wrong, with how each was read.

Usage: python scripts/failures.py tests/data/questions.jsonl [--corpus DIR] [--explain] [--only ID,ID]
A development aid: the scoring itself is `crosscheck eval` and ../shared/eval/score.py.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed

from benchmarks.evaluate import judge
from bot.core import Engine
from bot.settings import load_settings

parser = argparse.ArgumentParser()
parser.add_argument("gold", type=Path)
parser.add_argument("--corpus", type=Path)
parser.add_argument("--explain", action="store_true")
parser.add_argument("--only")
args = parser.parse_args()
engine = Engine(load_settings(**({"corpus": args.corpus} if args.corpus else {})))


def _got(result: dict) -> list:
    return [(a["value"], [s["doc_id"][:3] for s in a["sources"]]) for a in result["answers"]]


only = set(args.only.split(",")) if args.only else None
for line in args.gold.read_text().splitlines():
    if not line.strip():
        continue
    gold = json.loads(line)
    if only and gold["id"] not in only:
        continue
    result = engine.answer(gold["question"]).model_dump()
    verdict = judge(gold, result)
    if verdict.perfect:
        continue
    wanted = [{k: v for k, v in a.items()} for a in gold["answers"]]
    print(f"{gold['id']} {gold['question']}\n    gold={wanted}\n    got={_got(result)}")
    if args.explain:
        print("    " + engine.explain(gold["question"]).replace("\n", "\n    "))
