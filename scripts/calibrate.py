"""Print how answer groups score relative to the best group, split into right and wrong.

Usage: python scripts/calibrate.py GOLD.jsonl [--corpus DIR]
A development aid for choosing the floors in bot/core/claims.py from our own question
sets: each group's best score divided by the question's best, and its absolute best.
The groups come from `Engine.groups`: what answering weighs before the floors.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # benchmarks/ is not installed

from benchmarks.evaluate import GoldQuestion, matches
from bot.core import Engine
from bot.settings import load_settings

parser = argparse.ArgumentParser()
parser.add_argument("gold", type=Path, nargs="+")
parser.add_argument("--corpus", type=Path)
args = parser.parse_args()
engine = Engine(load_settings(**({"corpus": args.corpus} if args.corpus else {})))
index = engine.index
rows = []
for path in args.gold:
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        gold = GoldQuestion.model_validate_json(line)
        groups = engine.groups(gold.question)
        if not groups:
            continue
        best = {v: max(c.score for c in cs) for v, cs in groups.items()}
        top = max(best.values())
        for value, members in groups.items():
            lead = max(members, key=lambda c: c.score)
            shown = index.entities[value].name if value in index.entities else value
            answer = {"value": shown, "text": lead.mention.text}
            right = any(matches(g, answer) for g in gold.answers)
            rows.append((right, best[value] / top, best[value], gold.id, shown))
for label, flag in (("RIGHT", True), ("WRONG", False)):
    picked = sorted((r for r in rows if r[0] == flag), key=lambda r: r[1])
    print(f"{label}: {len(picked)} groups")
    for floor in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        kept = sum(1 for r in picked if r[1] >= floor)
        print(f"   relative >= {floor}: {kept}")
    print("   lowest:", [(round(r[1], 2), round(r[2], 2), r[3], r[4]) for r in picked[:12]])
print(json.dumps({"groups": len(rows)}))
