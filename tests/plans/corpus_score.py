"""Score the reader on the labelled corpus in tests/plans/reading_corpus (see its README.md).

.venv/bin/python -m tests.plans.corpus_score test     # the held-out half, by class
.venv/bin/python -m tests.plans.corpus_score dev -v   # the half the reader is tuned on, with every miss
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from plans.roles import TARGET, read_document

CORPUS = Path(__file__).resolve().parent / "reading_corpus"
FIELDS = {"value": "value", "range": "upper", "unit": "unit", "qualifier": "qualifier", "kind": "kind"}
FIELDS |= {"period": "period", "per-unit level": "per_unit"}
CLASSES = (*FIELDS, "role")


def statements(half: str) -> list[dict]:
    docs = set(json.loads((CORPUS / "split.json").read_text(encoding="utf-8"))[half])
    lines = (CORPUS / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    return [item for item in map(json.loads, lines) if item["doc"] in docs]


def score(items: list[dict]) -> tuple[Counter, Counter, list[str]]:
    """(right, checked) per class, and a line for every miss."""
    right, checked, misses = Counter(), Counter(), []
    for item, reading in zip(items, _read_by_document(items), strict=True):
        got = [target.to_json_dict() for target in reading.targets if target.kind != "milestone"]
        checks = [("role", reading.role, item["role"])]
        if item["role"] == TARGET:
            checks += _target_checks(got, item["targets"])
        for name, actual, expected in checks:
            checked[name] += 1
            right[name] += actual == expected
            if actual != expected:
                misses.append(f"{item['id']} {name}: {actual!r} ≠ {expected!r}  {item['text'][:60]}")
    return right, checked, misses


def _read_by_document(items: list[dict]) -> list:
    """Each statement read with the other statements of its document (in corpus order), as an import reads it."""
    documents: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        documents.setdefault(item["doc"], []).append(index)
    readings: list = [None] * len(items)
    for indexes in documents.values():
        found = read_document([(items[i]["text"], items[i]["section"]) for i in indexes])
        for index, reading in zip(indexes, found, strict=True):
            readings[index] = reading
    return readings


def _target_checks(got: list[dict], expected: list[dict]) -> list[tuple]:
    checks = [("value", len(got), len(expected))] if len(got) != len(expected) else []
    for index, want in enumerate(expected):
        have = got[index] if index < len(got) else {}
        checks += [(name, have.get(key, "—"), want[key]) for name, key in FIELDS.items()]
    return checks


def report(half: str, verbose: bool = False) -> dict[str, float]:
    right, checked, misses = score(statements(half))
    rates = {name: right[name] / checked[name] for name in CLASSES if checked[name]}
    rates["overall"] = sum(right.values()) / sum(checked.values())
    for name, rate in rates.items():
        print(
            f"{name:16} {rate:7.1%}  ({right[name] if name != 'overall' else sum(right.values())}"
            f"/{checked[name] if name != 'overall' else sum(checked.values())})"
        )
    if verbose:
        print(*misses, sep="\n")
    return rates


if __name__ == "__main__":
    report(sys.argv[1] if len(sys.argv) > 1 else "test", verbose="-v" in sys.argv)
