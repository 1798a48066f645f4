"""Cross-referencing at scale: `python -m bench.run xref` (part of `make bench`).

For each size N (default 1,000 and 10,000; `TNR_BENCH_XREF_SIZES`), a child process migrates a
throwaway SQLite database under /tmp, writes a generated record of N entities (60% public actors
with a Chinese name, its pinyin and mostly a date of birth; 40% organisations with a Chinese and an
English name, half with a street address tied to them) and a generated FtM file of N entities of which
N/5 are record entities written as another dataset would (`tnrwatch/xref/synthetic.py`: Traditional
script, pinyin in either order, capitals, hyphens, tone marks, run together, Wade-Giles, typos, the
city moved or "Assn."), then runs `xref_run` (the service behind `tnrwatch xref FILE`: streaming
read, the record exported, nomenklatura's blocking index and logic-v2, proposals written) and
reports wall and CPU time (the child's own, DuckDB's threads included), the CPU-time ratio of the
two sizes, recall over the planted pairs and precision over the proposals, and recall by variant.

The generator's seed here (2026) is not the one the threshold and the name folding were chosen on
(17, at N = 1,000): these are held-out figures, though the generator and the matcher have one author.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(s) for s in os.environ.get("TNR_BENCH_XREF_SIZES", "1000,10000").split(",") if s]
SEED = 2026
TIMEOUT = 3 * 3600


def _data_dir(size: int) -> Path:
    return Path("/tmp") / f"tnr-bench-xref-{size}"  # noqa: S108 - throwaway synthetic data only


def _child(size: int) -> dict:
    folder = _data_dir(size)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "TNR_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings",
           "TNR_ENV": "demo", "TNR_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)  # always the throwaway SQLite file
    out = subprocess.run([sys.executable, "-m", "bench.bench_xref", "child", str(size)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False, timeout=TIMEOUT)
    if out.returncode != 0:
        raise RuntimeError(f"bench child {size} failed:\n{out.stderr[-3000:]}")
    shutil.rmtree(folder, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> str:
    results = [_child(size) for size in SIZES]
    lines = ["## Cross-referencing (`tnrwatch xref FILE`)", "",
             "A generated FtM file of N entities (N/5 planted cross-script matches) against a record of N entities, "
             "through `xref_run` on SQLite (bench/bench_xref.py; held-out generator seed "
             f"{SEED}; nomenklatura logic-v2, threshold 0.85).", "",
             "| N (file × record) | file | wall | CPU | proposals | recall (planted) | precision |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r['size']:,} × {r['size']:,} | {r['file_mb']:.1f} MB | {r['wall']:.0f} s | {r['cpu']:.0f} s "
                     f"| {r['proposals']:,} | {r['recall']:.3f} ({r['found']}/{r['planted']}) | {r['precision']:.3f} |")
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += ["", f"CPU-time ratio {large['size']:,} / {small['size']:,}: "
                      f"{large['cpu'] / max(small['cpu'], 0.001):.1f}x for {large['size'] / small['size']:.0f}x the entities "
                      f"on each side (wall {large['wall'] / max(small['wall'], 0.001):.1f}x; the machine's two cores are shared)."]
    large = results[-1]
    lines += ["", f"Recall by variant at N = {large['size']:,} (found / planted):", "",
              "| variant | found | planted | recall |", "| --- | --- | --- | --- |"]
    for variant, (found, planted) in sorted(large["by_variant"].items()):
        lines.append(f"| {variant} | {found} | {planted} | {found / planted:.2f} |")
    lines += ["", f"Time by phase at N = {large['size']:,}: record and file written {large['setup']:.0f} s (not counted); "
                  f"`xref_run` {large['wall']:.0f} s wall, {large['cpu']:.0f} s CPU, of which the one-off load of "
                  f"nomenklatura's name tables {large['warmup_cpu']:.0f} s CPU."]
    return "\n".join(lines)


def child(size: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tnrwatch.xref import services, synthetic

    started = time.monotonic()
    generated = synthetic.generate(record=size, file=size, planted=size // 5, seed=SEED)
    keys = synthetic.load_record(generated)
    path = _data_dir(size) / "partner.ftm.json"
    with open(path, "w", encoding="utf-8") as fh:
        for entity in generated.file:
            fh.write(json.dumps(entity, ensure_ascii=False) + "\n")
    setup = time.monotonic() - started
    wall, cpu = time.monotonic(), time.process_time()
    warm = time.process_time()
    from followthemoney import model
    from followthemoney.names import entity_names

    list(entity_names(model.get_proxy({"id": "w", "schema": "Person", "properties": {"name": ["Wang Wei"]}})))
    warmup_cpu = time.process_time() - warm
    xref = services.xref_run(actor=None, actor_label="bench", path=path, filename=path.name, dataset="generated")
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    by_row = {row: key for key, row in keys.items()}
    proposals = [(p.file_id, by_row.get((p.subject_type, p.subject_id), "")) for p in xref.proposals.all()]
    figures = synthetic.score(generated.truth, proposals)
    found = {file_id for file_id, key in proposals if generated.truth.get(file_id) == key}
    planted = Counter(generated.variants.values())
    hit = Counter(generated.variants[f] for f in found)
    return {"size": size, "file_mb": path.stat().st_size / 1e6, "wall": wall, "cpu": cpu, "setup": setup,
            "warmup_cpu": warmup_cpu, "proposals": figures["proposals"], "recall": figures["recall"],
            "precision": figures["precision"], "found": len(found), "planted": len(generated.truth),
            "by_variant": {k: (hit.get(k, 0), n) for k, n in planted.items()}}


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(child(int(sys.argv[2]))))
