"""Measure the full-text reader (plans.fulltext) on the seed documents against the hand-made fixtures.

    .venv/bin/python -m tests.plans.fulltext_score

For each seed: key tasks, measures, numeric targets, department links and deadlines, as found / right, where
“right” means: a fixture key task whose title the draft has (one title holding the other, punctuation aside); a
fixture measure whose first 12 characters the draft has in a measure; a fixture target whose (value, unit) the
draft has; a fixture department link whose name the draft gives the same task; a fixture deadline that the draft
gives the same task. Fixture counts are the denominators.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from plans.fulltext import read_fulltext
from plans.reading import normalise

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
PAIRS = {
    "001_5f73a49812a6da22.txt": "hubin-2019",
    "002_5609998f3df69888.txt": "liaoning-2022",
    "003_cbb548ea0c37c72d.txt": "jilin-2022",
    "004_96860e536097d709.txt": "suqian-2022",
}
ARGS = {"filename": "x.txt", "slug": "x", "title": "x", "region_code": "210000", "year": 2022}


def plain(text: str) -> str:
    return re.sub(r"[\s,，。;；:：、()（）“”\"—]", "", normalise(text or ""))


def same_title(a: str, b: str) -> bool:
    a, b = plain(a), plain(b)
    return bool(a and b) and (a in b or b in a)


def measure(seed: str, fixture: str) -> dict[str, tuple[int, int, int]]:
    """name → (found by the draft, right, in the fixture)."""
    draft = read_fulltext((SEEDS / seed).read_text(encoding="utf-8"), **ARGS)["key_tasks"]
    truth = json.loads((ROOT / "fixtures" / "plans" / f"{fixture}.json").read_text(encoding="utf-8"))["key_tasks"]
    matched = [(task, next((d for d in draft if same_title(d["title"], task["title"])), None)) for task in truth]
    measures = [plain(m["text"]) for d in draft for m in d["measures"]]
    draft_targets = Counter(_pairs(draft))
    return {
        "key tasks": (len(draft), sum(d is not None for _, d in matched), len(truth)),
        "measures": (
            len(measures),
            sum(any(plain(m["text"])[:12] in text for text in measures) for t in truth for m in t["measures"]),
            sum(len(t["measures"]) for t in truth),
        ),
        "targets": (
            sum(draft_targets.values()),
            sum((draft_targets & Counter(_pairs(truth))).values()),
            sum(Counter(_pairs(truth)).values()),
        ),
        "departments": (
            sum(len(d["departments"]) for d in draft),
            sum(_dept_hits(t, d) for t, d in matched if d),
            sum(len(t["departments"]) for t in truth),
        ),
        "deadlines": (
            sum(bool(d["deadline_text"]) for d in draft),
            sum(_deadline_hit(t, d) for t, d in matched if d and t["deadline_text"]),
            sum(bool(t["deadline_text"]) for t in truth),
        ),
    }


def _pairs(tasks: list[dict]) -> list[tuple]:
    return [(t["value"], t["unit"]) for task in tasks for t in task["targets"] if t.get("value") is not None]


def _dept_hits(truth: dict, draft: dict) -> int:
    names = {plain(d["name"]) for d in draft["departments"]}
    return sum(any(plain(d["name"]) in n or n in plain(d["name"]) for n in names) for d in truth["departments"])


def _deadline_hit(truth: dict, draft: dict) -> bool:
    a, b = plain(truth["deadline_text"]), plain(draft["deadline_text"])
    return bool(a and b) and (a in b or b in a)


OUTSIDE = Path(__file__).resolve().parent / "fulltext_outside"


def measure_outside(name: str) -> dict[str, tuple[int, int, int]]:
    """Key tasks and targets of a text outside the seeds against its hand-made expectation (expected.json)."""
    draft = read_fulltext((OUTSIDE / name).read_text(encoding="utf-8"), **ARGS)["key_tasks"]
    truth = json.loads((OUTSIDE / "expected.json").read_text(encoding="utf-8"))[name]
    found_targets = Counter((t["value"], t["unit"]) for task in draft for t in task["targets"])
    want_targets = Counter(tuple(pair) for task in truth for pair in task["targets"])
    return {
        "key tasks": (
            len(draft),
            sum(any(same_title(d["title"], t["title"]) for d in draft) for t in truth),
            len(truth),
        ),
        "targets": (
            sum(found_targets.values()),
            sum((found_targets & want_targets).values()),
            sum(want_targets.values()),
        ),
    }


def main() -> None:
    print(f"{'seed':16} {'what':12} {'found':>6} {'right':>6} {'fixture':>8}")
    for seed, fixture in PAIRS.items():
        for name, (found, right, total) in measure(seed, fixture).items():
            print(f"{fixture:16} {name:12} {found:6} {right:6} {total:8}")
    for text in ("xuchang.txt", "dongyang.txt"):
        for name, (found, right, total) in measure_outside(text).items():
            print(f"{text:16} {name:12} {found:6} {right:6} {total:8}")


if __name__ == "__main__":
    main()
