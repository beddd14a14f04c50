"""How far two careful readers agree: the corpus labels against a second, blind labelling of 200 dev statements.

.venv/bin/python -m tests.plans.corpus_agreement

`reading_corpus/second_reading.jsonl` was made by a second annotator who saw only the labelling rules of the corpus
README and each statement with its heading, document title and year (never the first labels, never the reader).
The statements were drawn from the dev half only (random.Random(2026)). Agreement is scored as the reader is, the
corpus label taken as right: it is the ceiling a reader can be expected to reach on labels made this way.
"""

from __future__ import annotations

import json
from collections import Counter

from tests.plans.corpus_score import CLASSES, CORPUS, _target_checks

SECOND = CORPUS / "second_reading.jsonl"


def agreement() -> tuple[Counter, Counter]:
    first = {
        item["id"]: item for item in map(json.loads, (CORPUS / "statements.jsonl").read_text("utf-8").splitlines())
    }
    right, checked = Counter(), Counter()
    for second in map(json.loads, SECOND.read_text(encoding="utf-8").splitlines()):
        label = first[second["id"]]
        checks = [("role", second["role"], label["role"])]
        if label["role"] == "target":
            checks += _target_checks(second["targets"] if second["role"] == "target" else [], label["targets"])
        for name, actual, expected in checks:
            checked[name] += 1
            right[name] += actual == expected
    return right, checked


if __name__ == "__main__":
    right, checked = agreement()
    for name in CLASSES:
        print(f"{name:16} {right[name] / checked[name]:7.1%}  ({right[name]}/{checked[name]})")
    print(f"{'overall':16} {sum(right.values()) / sum(checked.values()):7.1%}")
