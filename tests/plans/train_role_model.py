"""Train the role model (plans/role_model.py) on the dev half of the corpus and store it in plans/role_model.json.

.venv/bin/python -m tests.plans.train_role_model
"""

from __future__ import annotations

import json

from plans import role_model
from tests.plans.corpus_score import statements


def main() -> None:
    items = statements("dev")
    model = role_model.train([(item["text"], item["section"], item["role"]) for item in items])
    model = {"trained_on": sorted({item["doc"] for item in items}), **model}
    role_model.MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(items)} statements from {len(model['trained_on'])} dev documents; {len(model['weights'])} features")


if __name__ == "__main__":
    main()
