"""Who acted: a small logistic model over (trigger, candidate country) pairs.

The rules in `responses.py` propose, for every trigger, the countries that could be its actor
(every country the sentence names, a capital standing for its government, the previous
sentence's actor, the language's home country) and each pair is described by a few features:
distance and direction, a clause break or a relative clause between them, the preposition
before the country, a government noun next to it, China and the action, reporting verbs and
quotation, an object or non-government noun after it, carried context. The model says how
likely the country is the actor; pairs at or above `THRESHOLD` become candidates, and the
probability is the candidate's confidence.

It is trained by weak supervision, without gold labels: the labelling functions below (the
hand-written rules, one of them the rules' own choice of actor) vote on each pair of the
development texts, and a logistic regression is fitted to the votes
(`python -m tnrwatch.extraction.train_actor_model`, deterministic). The fitted weights ship as
`data/actor_model.json` (a few hundred bytes); without the file the rules decide alone.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "data" / "actor_model.json"
THRESHOLD = 0.5  # for the votes' agreement and a model deciding alone
VETO = 0.05  # a rule's actor the model gives less than this is dropped
ADD = 0.9  # where the rules find no actor, the model's at or above this is taken
MAX_ACTORS = 4

FEATURES = (
    "bias", "before", "after", "near", "mid", "clause_break", "relative", "governed", "institution",
    "adjective", "china", "china_may_act", "prev_locative", "prev_non_actor", "prev_of", "object_after",
    "by_from", "reporting_between", "quoted", "context", "home", "seat", "nearest_before",
    "listed", "frame", "chinese_subject",
)
_REPORTING = re.compile(
    r"\b(?:said|says|told|according to|stated|announced|reported|sagte|erklärte|laut|a déclaré|selon|"
    r"ha detto|secondo|dijo|según|zei|volgens|disse|segundo|sade|enligt|uvedl\w*|podle|szerint|sier|"
    r"ifølge|rekao|prema|δήλωσε|σύμφωνα)\b|表示|称|稱|述べ|밝혔", re.I)
_QUOTES = re.compile(r"[\"“”«»„‘’「」『』]")


@dataclass(frozen=True, slots=True)
class Pair:
    """One candidate actor of one trigger, with its features and whether the rules chose it."""

    iso2: str
    features: tuple[float, ...]
    rule: bool = False


def features(*, before: bool, distance: int, clause_break: bool, relative: bool, governed: bool,
             institution: bool, adjective: bool, china: bool, china_may_act: bool, prev: str,
             object_after: bool, by_from: bool, between: str, quoted: bool, context: bool,
             home: bool, seat: bool, nearest_before: bool, listed: bool, frame: bool,
             chinese_subject: bool) -> tuple[float, ...]:
    values = {
        "bias": 1.0, "before": float(before), "after": float(not before and not context and not home),
        "near": float(0 <= distance <= 40), "mid": float(40 < distance <= 120),
        "clause_break": float(clause_break), "relative": float(relative), "governed": float(governed),
        "institution": float(institution), "adjective": float(adjective), "china": float(china),
        "china_may_act": float(china and china_may_act), "prev_locative": float(prev == "locative"),
        "prev_non_actor": float(prev == "non_actor"), "prev_of": float(prev == "of"),
        "object_after": float(object_after), "by_from": float(by_from),
        "reporting_between": float(bool(_REPORTING.search(between))), "quoted": float(quoted),
        "context": float(context), "home": float(home), "seat": float(seat),
        "nearest_before": float(nearest_before), "listed": float(listed), "frame": float(frame),
        "chinese_subject": float(chinese_subject),
    }
    return tuple(values[name] for name in FEATURES)


def quoted(text: str, start: int, end: int) -> bool:
    """Is position `end` inside quotation marks opened after `start`?"""
    return len(_QUOTES.findall(text, start, end)) % 2 == 1


def votes(pair: Pair) -> int:
    """The labelling functions' combined vote on a pair: +1 actor, -1 not, 0 abstain. One of
    them is the hand-written rules' own choice, which reads more than the features show."""
    v = dict(zip(FEATURES, pair.features, strict=True))
    v["rule"] = float(pair.rule)
    score = 0.0
    score += 2.0 if v["rule"] else 0.0
    score -= 1.0 if v["china"] and not v["china_may_act"] else 0.0
    score -= 1.0 if v["object_after"] else 0.0
    score -= 1.0 if v["prev_locative"] and not v["governed"] else 0.0
    score -= 1.0 if v["prev_non_actor"] else 0.0
    score -= 1.0 if v["relative"] else 0.0
    score -= 0.5 if v["chinese_subject"] else 0.0
    score += 1.0 if v["before"] and v["governed"] and not v["clause_break"] else 0.0
    score += 1.0 if v["seat"] else 0.0
    score += 0.5 if v["by_from"] else 0.0
    score -= 0.5 if v["after"] and not (v["governed"] or v["by_from"]) else 0.0
    score -= 0.5 if not v["rule"] else 0.0
    return 1 if score > 0 else -1 if score < 0 else 0


@lru_cache(maxsize=1)
def weights() -> tuple[float, ...] | None:
    try:
        data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(data.get("features", ())) != FEATURES:
        return None  # trained on another feature set: retrain
    return tuple(float(w) for w in data["weights"])


def probability(f: tuple[float, ...], w: tuple[float, ...]) -> float:
    z = sum(a * b for a, b in zip(f, w, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def decide(pairs: list[Pair], rule_actors: list[str], rule_confidence: float) -> tuple[list[str], dict[str, float]]:
    """The actors of one trigger and their confidence.

    The rules' actors stand unless the model finds them very unlikely (below VETO); where the
    rules find none, the model's best pair is taken when it is confident (ADD or more). The
    confidence is the model's probability, averaged with the rules' own for their actors.
    Without a model file the rules decide alone."""
    w = weights()
    if w is None or not pairs:
        return rule_actors, {cc: rule_confidence for cc in rule_actors}
    best: dict[str, float] = {}
    for pair in pairs:
        best[pair.iso2] = max(best.get(pair.iso2, 0.0), probability(pair.features, w))
    if rule_actors:
        chosen = [cc for cc in rule_actors if best.get(cc, 1.0) >= VETO]
        conf = {cc: (best.get(cc, rule_confidence) + rule_confidence) / 2 for cc in chosen}
    else:
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        chosen = [cc for cc, prob in ranked if prob >= ADD][:MAX_ACTORS]
        conf = {cc: best[cc] * 0.8 for cc in chosen}
    return chosen, {cc: round(min(0.95, max(0.3, p)), 3) for cc, p in conf.items()}


def train(rows: list[tuple[float, ...]], labels: list[int], *, epochs: int = 60, rate: float = 0.1,
          l2: float = 1e-3) -> list[float]:
    """Logistic regression by plain stochastic gradient descent, in a fixed order (reproducible)."""
    w = [0.0] * len(FEATURES)
    for epoch in range(epochs):
        step = rate / (1 + epoch * 0.1)
        for f, y in zip(rows, labels, strict=True):
            p = probability(f, tuple(w))
            g = p - (1.0 if y > 0 else 0.0)
            for j, x in enumerate(f):
                if x:
                    w[j] -= step * (g * x + l2 * w[j])
    return [round(x, 4) for x in w]


COLLECT: list[Pair] | None = None  # set by the training script to gather the pairs it reads
