"""A learned second opinion on a statement's role. Pure Python, no Django, no numpy.

The grammar in `plans.roles` decides a role from words that mark it (已, 累计, 力争, 补贴标准…). Those words are
exact: a phrasing they have not met falls through to whatever rule comes nearest. This model reads the same
statement as a bag of character n-grams (numbers folded to 0) and gives a probability for each role. It was
trained on the dev half of the labelled corpus (`tests/plans/reading_corpus`) only; `plans/role_model.json`
records which documents, and a test holds that none of them is in the test half.

`plans.roles` asks it only where its own words are weak, and takes its role only when the model finds it at least
`plans.roles.MODEL_ODDS` times as likely as the grammar's; the preview then names the model as what decided. The
model is trained by `train` (multinomial logistic regression, AdaGrad, deterministic). Retrain after the corpus
changes:

    .venv/bin/python -m tests.plans.train_role_model
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

from plans.reading import prepared

MODEL_PATH = Path(__file__).resolve().parent / "role_model.json"
_DIGITS = re.compile(r"\d++(?:\.\d++)?")


def features(text: str, heading: str = "") -> dict[str, float]:
    """Character 1–3-grams of the prepared text (numbers as 0), and the heading's bigrams; each weighs 1/√n."""
    counts = _grams(text, heading)
    if not counts:
        return {}
    weight = 1 / math.sqrt(counts.total())
    return {gram: count * weight for gram, count in counts.items()}


def _grams(text: str, heading: str) -> Counter:
    plain = _DIGITS.sub("0", prepared(text))
    head = _DIGITS.sub("0", prepared(heading))
    counts = Counter(plain)
    counts.update(plain[i : i + 2] for i in range(len(plain) - 1))
    counts.update(plain[i : i + 3] for i in range(len(plain) - 2))
    counts.update("h:" + head[i : i + 2] for i in range(len(head) - 1))
    return counts


def train(
    examples: list[tuple[str, str, str]], *, epochs: int = 15, rate: float = 0.2, l2: float = 1e-3, min_count: int = 2
) -> dict:
    """Multinomial logistic regression by AdaGrad over (text, heading, role) examples, classes weighed evenly;
    an n-gram met in fewer than `min_count` examples is left out."""
    roles = sorted({role for _, _, role in examples})
    counts = {role: sum(1 for *_, r in examples if r == role) for role in roles}
    balance = {role: len(examples) / (len(roles) * counts[role]) for role in roles}
    found = [features(text, heading) for text, heading, _ in examples]
    seen: dict[str, int] = {}
    for grams in found:
        for gram in grams:
            seen[gram] = seen.get(gram, 0) + 1
    found = [{gram: value for gram, value in grams.items() if seen[gram] >= min_count} for grams in found]
    rows = [(grams, roles.index(role), balance[role]) for grams, (_, _, role) in zip(found, examples, strict=True)]
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    bias, bias_squares = [0.0] * len(roles), [1e-8] * len(roles)
    order = list(range(len(rows)))
    for epoch in range(epochs):
        order = order[epoch % len(order) :] + order[: epoch % len(order)]  # a fixed, varied order
        for index in order[:: 1 if epoch % 2 == 0 else -1]:
            found, right, weigh = rows[index]
            probabilities = _softmax(_scores(found, weights, bias))
            for k in range(len(roles)):
                error = weigh * (probabilities[k] - (1.0 if k == right else 0.0))
                bias_squares[k] += error * error
                bias[k] -= rate * error / math.sqrt(bias_squares[k])
                for gram, value in found.items():
                    w = weights.setdefault(gram, [0.0] * len(roles))
                    s = squares.setdefault(gram, [1e-8] * len(roles))
                    grad = error * value + l2 * w[k]
                    s[k] += grad * grad
                    w[k] -= rate * grad / math.sqrt(s[k])
    kept = {gram: [round(value, 4) for value in w] for gram, w in sorted(weights.items()) if max(map(abs, w)) >= 0.01}
    return {"roles": roles, "bias": [round(value, 4) for value in bias], "weights": kept}


def probabilities(text: str, heading: str = "", model: dict | None = None) -> dict[str, float]:
    """Each role's probability for the statement (empty when no model is stored)."""
    model = model if model is not None else stored_model()
    if not model:
        return {}
    counts = _grams(text, heading)
    scores = list(model["bias"])
    if counts:
        # Σ weight·count per role, summed column by column (zip and sum run in C): the same scores as
        # _scores(features(...)), a third faster.
        get = model["weights"].get
        rows = [w for gram, count in counts.items() if (w := get(gram)) is not None for _ in range(count)]
        weight = 1 / math.sqrt(counts.total())
        if rows:
            scores = [
                bias + weight * total for bias, total in zip(scores, map(sum, zip(*rows, strict=True)), strict=True)
            ]
    return dict(zip(model["roles"], _softmax(scores), strict=True))


@cache
def stored_model() -> dict:
    if not MODEL_PATH.exists():
        return {}
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def _scores(found: dict[str, float], weights: dict[str, list[float]], bias: list[float]) -> list[float]:
    scores = list(bias)
    for gram, value in found.items():
        if (w := weights.get(gram)) is not None:
            for k, weight in enumerate(w):
                scores[k] += weight * value
    return scores


def _softmax(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]
