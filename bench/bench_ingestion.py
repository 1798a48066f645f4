"""Ingestion: memory stays flat while ingesting a folder of 1,000 vs 10,000 small files.

Each size runs in a fresh child process (`python -m bench.bench_ingestion --child N`) with its own
data folder and SQLite database, through `tnrwatch ingest FOLDER` on the embedded SQLite queue,
exactly as an analyst would run it. The child reports documents per second, the peak RSS of the
process (getrusage) before and after the ingest. (`--child N --trace` also reports the
tracemalloc peak; it is left out of `make bench` because tracing doubles the run time.)
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

SIZES = (1_000, 10_000)
CITIES = [("Rotterdam", "Dutch"), ("Milan", "Italian"), ("Prato", "Italian"), ("Dublin", "Irish"),
          ("Madrid", "Spanish"), ("Toronto", "Canadian"), ("Budapest", "Hungarian"), ("Paris", "French")]
BUREAUS = ["Fuzhou Public Security Bureau", "Qingtian County Public Security Bureau", "Wenzhou police", "Nantong police"]


def _write_corpus(folder: Path, count: int) -> None:
    rng = random.Random(count)  # noqa: S311 - reproducible test corpus, not crypto
    for i in range(count):
        city, adjective = rng.choice(CITIES)
        bureau = rng.choice(BUREAUS)
        text = (
            f"Report {i}. The {adjective} authorities said on {rng.randint(1, 28)} March 2023 that they were "
            f"investigating an alleged overseas police service station in {city}, reportedly run by the "
            f"{bureau}. Community members described being asked to return to China. "
            f"Researchers counted {rng.randint(50, 110)} such stations in {rng.randint(20, 53)} countries. "
            + "Further background paragraph about the community and its associations. " * rng.randint(2, 8)
        )
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc-{i:05d}.txt").write_text(text, encoding="utf-8")


def _child(count: int, trace: bool) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tnrwatch.ingestion.models import Document

    folder = Path(os.environ["TNR_DATA_DIR"]) / "corpus"
    folder.mkdir()
    _write_corpus(folder, count)
    # warm up imports and the extractor on one document, outside the measurement
    warm = Path(os.environ["TNR_DATA_DIR"]) / "warm.txt"
    warm.write_text("The Dutch government ordered the closure of a station in Rotterdam.")
    call_command("ingest", str(warm), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    call_command("ingest", str(folder), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    done = Document.objects.filter(status="extracted").count() - 1
    return {"count": count, "done": done, "seconds": seconds, "rss_before_kb": rss_before,
            "rss_after_kb": rss_after, "traced_peak": peak}


def _run_child(count: int, trace: bool) -> dict:
    data = tempfile.mkdtemp(prefix="tnr-bench-ingest-")
    try:
        env = {**os.environ, "TNR_DATA_DIR": data, "TNR_QUEUE": "sqlite", "TNR_ENV": "test",
               "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings"}
        env.pop("DATABASE_URL", None)
        cmd = [sys.executable, "-m", "bench.bench_ingestion", "--child", str(count)] + (["--trace"] if trace else [])
        out = subprocess.run(cmd,  # noqa: S603 - our own module, fixed arguments
                              env=env, capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent.parent)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(data, ignore_errors=True)


def run() -> str:
    rows = []
    for count in SIZES:
        rows.append((count, _run_child(count, trace=False)))
    lines = [
        "## Ingestion: memory while ingesting a folder",
        "",
        "`tnrwatch ingest FOLDER` on the embedded SQLite queue, small text files (0.4–1 kB, generated), each size in a",
        "fresh process with its own SQLite database. Every document is hashed, kept in the blob store (fsync'd),",
        "extracted, language-detected, run through the extractor and written as a Source with its audit rows.",
        "",
        "| files | captured | docs/s | peak RSS before ingest | peak RSS after ingest | growth |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for count, speed in rows:
        growth = (speed["rss_after_kb"] - speed["rss_before_kb"]) / 1024
        lines.append(
            f"| {count:,} | {speed['done']:,} | {speed['done'] / speed['seconds']:.1f} | "
            f"{speed['rss_before_kb'] / 1024:.0f} MB | {speed['rss_after_kb'] / 1024:.0f} MB | {growth:.1f} MB |"
        )
    (_c1, s1), (_c2, s2) = rows
    g1 = max((s1["rss_after_kb"] - s1["rss_before_kb"]) / 1024, 0.1)
    g2 = (s2["rss_after_kb"] - s2["rss_before_kb"]) / 1024
    lines += [
        "",
        f"Ten times the files: peak RSS ×{s2['rss_after_kb'] / max(s1['rss_after_kb'], 1):.2f} "
        f"(growth during the ingest {g1:.1f} MB vs {g2:.1f} MB). Memory does not grow with the",
        "size of the folder: files are listed lazily, documents are written and queued in batches of 500, and",
        "each document is streamed in 1 MB chunks.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        print(json.dumps(_child(int(sys.argv[2]), "--trace" in sys.argv)))
    else:
        print(run())
