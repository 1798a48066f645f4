"""Train the actor model (`actor_model.py`) by weak supervision and write data/actor_model.json.

    python -m tnrwatch.extraction.train_actor_model

Reads the development texts only (never the held-out set), without their gold labels: the
labelling functions vote on every (trigger, country) pair the extractor proposes, pairs on
which they abstain are left out, and a logistic regression is fitted to the votes. Deterministic:
the same texts and rules give the same weights.
"""

from __future__ import annotations

import json
import sys

from tnrwatch.extraction import actor_model
from tnrwatch.extraction.evaluate import load_devset
from tnrwatch.extraction.pipeline import extract


def collect() -> list[actor_model.Pair]:
    docs, _ = load_devset()
    actor_model.COLLECT = []
    try:
        for doc in docs:
            extract(doc.text)
        return actor_model.COLLECT
    finally:
        actor_model.COLLECT = None


def main(argv: list[str] | None = None) -> int:
    pairs = collect()
    rows, labels = [], []
    for pair in pairs:
        vote = actor_model.votes(pair)
        if vote:
            rows.append(pair.features)
            labels.append(vote)
    weights = actor_model.train(rows, labels)
    agree = sum(1 for f, y in zip(rows, labels, strict=True)
                if (actor_model.probability(f, tuple(weights)) >= actor_model.THRESHOLD) == (y > 0))
    actor_model.MODEL_PATH.parent.mkdir(exist_ok=True)
    actor_model.MODEL_PATH.write_text(json.dumps({
        "about": "Actor model weights, trained by tnrwatch.extraction.train_actor_model on the development "
                 "texts' weak labels.", "features": list(actor_model.FEATURES), "weights": weights,
        "pairs": len(pairs), "labelled": len(rows), "positive": sum(1 for y in labels if y > 0),
        "agreement": round(agree / max(1, len(rows)), 3)}, indent=1) + "\n", encoding="utf-8")
    actor_model.weights.cache_clear()
    print(f"{len(pairs)} pairs, {len(rows)} labelled, agreement with the votes {agree / max(1, len(rows)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
