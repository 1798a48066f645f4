"""`make eval`: precision, recall and F1 of the extractor on the development set, per label type.

Labels are compared as sets per text: a response is (country, action), a station (city,
country), an operator its place ("Qingtian" for the Qingtian County Public Security Bureau), a
figure (value, what). Scores are micro-averaged over all texts. The seed article is read from the
shared folder (`--seed-dir DIR`, or ../shared/seed and /work/shared/seed) and skipped, with a note,
when it is absent. The table is printed and written as the "eval" section of docs/benchmarks.md.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tnrwatch.extraction.pipeline import extract

DEVSET = Path(__file__).resolve().parent / "devset"
REPO = Path(__file__).resolve().parents[2]
LABEL_TYPES = ("response", "station", "operator", "figure")
_CITY_ALIASES = {"new york city": "new york", "frankfurt": "frankfurt am main"}


@dataclass
class Document:
    id: str
    lang: str
    text: str
    gold: dict[str, set] = field(default_factory=dict)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold().strip()


def city_key(city: str) -> str:
    key = _fold(city)
    return _CITY_ALIASES.get(key, key)


def operator_key(name: str) -> str:
    key = _fold(name)
    key = re.sub(r"\b(county|city|municipal|provincial|public security bureau|police)\b", " ", key)
    return " ".join(key.split())


def _gold_sets(row: dict) -> dict[str, set]:
    return {
        "response": {(c, a) for c, a in row.get("responses", [])},
        "station": {(city_key(city), c) for city, c in row.get("stations", [])},
        "operator": {operator_key(o) for o in row.get("operators", [])},
        "figure": {(float(v), w) for v, w in row.get("figures", [])},
    }


def predicted_sets(text: str, lang: str | None = None) -> dict[str, set]:
    out: dict[str, set] = {t: set() for t in LABEL_TYPES}
    for c in extract(text, lang):
        if c.kind == "response" and c.country and c.action:
            out["response"].add((c.country, c.action))
        elif c.kind == "station" and c.city and c.country:
            out["station"].add((city_key(c.city), c.country))
        elif c.kind == "operator" and c.operator:
            out["operator"].add(operator_key(c.operator))
        elif c.kind == "figure" and c.value is not None and c.what:
            out["figure"].add((float(c.value), c.what))
    return out


def _seed_dirs(extra: Path | None = None) -> list[Path]:
    dirs = [extra] if extra else []
    return dirs + [REPO.parent / "shared" / "seed", Path("/work/shared/seed")]


def load_devset(seed_dir: Path | None = None) -> tuple[list[Document], list[str]]:
    """The labelled documents, and notes on what could not be loaded."""
    notes: list[str] = []
    data = json.loads((DEVSET / "texts.json").read_text(encoding="utf-8"))
    docs = [Document(r["id"], r["lang"], r["text"], _gold_sets(r)) for r in data["texts"]]
    seed = json.loads((DEVSET / "seed.json").read_text(encoding="utf-8"))
    for folder in _seed_dirs(seed_dir):
        path = folder / seed["file"]
        if path.is_file():
            docs.insert(0, Document("seed", seed["lang"], path.read_text(encoding="utf-8"),
                                    _gold_sets(seed)))
            break
    else:
        notes.append(f"seed article {seed['file']} not found: skipped")
    return docs, notes


def evaluate(docs: list[Document]) -> tuple[dict[str, Score], list[str]]:
    """Scores per label type, and one line per error for reading."""
    scores = {t: Score() for t in LABEL_TYPES}
    errors: list[str] = []
    for doc in docs:
        predicted = predicted_sets(doc.text)
        for t in LABEL_TYPES:
            gold, got = doc.gold.get(t, set()), predicted[t]
            scores[t].tp += len(gold & got)
            scores[t].fp += len(got - gold)
            scores[t].fn += len(gold - got)
            errors += [f"{doc.id}: {t} false positive {x}" for x in sorted(got - gold, key=str)]
            errors += [f"{doc.id}: {t} missed {x}" for x in sorted(gold - got, key=str)]
    return scores, errors


def report(docs: list[Document], scores: dict[str, Score], notes: list[str]) -> str:
    langs = sorted({d.lang for d in docs})
    lines = [
        "## Extraction quality (`make eval`)",
        "",
        f"Development set: {len(docs)} texts ({', '.join(langs)}), `tnrwatch/extraction/devset/`. "
        "Micro-averaged over texts; labels compared as sets per text.",
        "",
        "| label type | gold | predicted | correct | precision | recall | F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    names = {"response": "response country+action", "station": "station city+country",
             "operator": "operator", "figure": "figure value+what"}
    for t in LABEL_TYPES:
        s = scores[t]
        lines.append(f"| {names[t]} | {s.tp + s.fn} | {s.tp + s.fp} | {s.tp} | "
                     f"{s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
    lines += [""] + [f"Note: {n}." for n in notes]
    lines.append("Targets: F1 ≥ 0.85 for response country+action and for station locations. "
                 "The extractor was developed against these texts, so these figures are an upper "
                 "bound, not an estimate for unseen articles.")
    return "\n".join(lines) + "\n"


def write_section(body: str) -> None:
    """Replace the "eval" section of docs/benchmarks.md, the way bench/run.py writes its own."""
    sys.path.insert(0, str(REPO))
    try:
        from bench import run as bench_run
    except ImportError:
        return
    doc = bench_run.DOC
    sections = dict(bench_run.MARK.findall(doc.read_text())) if doc.exists() else {}
    sections["eval"] = body + f"\n_Run on {time.strftime('%Y-%m-%d')}._\n"
    bench_run._write(sections)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    seed_dir = Path(args[args.index("--seed-dir") + 1]) if "--seed-dir" in args[:-1] else None
    docs, notes = load_devset(seed_dir)
    scores, errors = evaluate(docs)
    body = report(docs, scores, notes)
    print(body)
    if "-v" in args or "--verbose" in args:
        print("\n".join(errors))
    if "--no-write" not in args:
        write_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
