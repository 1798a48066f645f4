"""Scale of the public atlas and API: `python -m bench.run atlas` (part of `make bench`).

For 1k, 100k and 1M claims (see bench/synthetic.py for the shape of the record), each in a
throwaway SQLite database under /tmp, this measures through Django's full request stack (the test
client: middleware, URL resolution, views, templates, JSON), in-process:

- p50 and p95 latency (wall-clock and CPU) of the home page (world map and overall timeline), its
  region view (Europe) and its "as of" view of a past day, a country page (/countries/NL/, with the
  country's timeline), the stations API list, the map data endpoint and the comparison page
  (/compare/), and the ratio of the 1M figures to the 1k figures (target: within 3x). The maps
  are cached under a fingerprint of the public record; the "cache cleared" rows clear the cache
  before each request (outside the timing) to show the cost of building them, as a visitor
  choosing a new "as of" day pays it;
- peak resident memory of a process that streams the full claims CSV and the GeoJSON export over
  HTTP, against the same process at 1k (target: flat).

Each size runs in its own child process (`python -m bench.bench_atlas measure N` and so on), so
databases, caches and memory high-water marks never mix. Set TNR_BENCH_SIZES=1000,100000 to run
fewer sizes, TNR_BENCH_REUSE=1 to keep already generated databases between runs. On a machine too
loaded to start a Django process per page in time, TNR_BENCH_ONE_PROCESS=1 measures all the pages of
a size in one child (the cache cleared between pages; Django, the connection and SQLite's page cache
stay warm, as in a long-running worker) and TNR_BENCH_STREAMS=0 leaves the exports out.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(s) for s in os.environ.get("TNR_BENCH_SIZES", "1000,100000,1000000").split(",")]
AS_OF = "2020-06-30"  # the synthetic record's dates span 2015-10 to 2024-01
PAGES = {
    "home page `/`": "/",
    "region map `/?region=europe`": "/?region=europe",
    f"map as of `/?as_of={AS_OF}`": f"/?as_of={AS_OF}",
    "country page `/countries/NL/`": "/countries/NL/",
    "stations API `/api/v1/stations`": "/api/v1/stations",
    "map data `/api/v1/map`": "/api/v1/map",
    "compare page `/compare/`": "/compare/",
    # The map is cached under a fingerprint of the public record; this row clears the cache
    # before each request (outside the timing) to show the cost of building it.
    "map data, cache cleared": "cold:/api/v1/map",
    "region map, cache cleared": "cold:/?region=europe",
    "map as of, cache cleared": f"cold:/?as_of={AS_OF}",
}
STREAMS = {"claims CSV": "/api/v1/export/claims.csv", "GeoJSON": "/api/v1/export/record.geojson"}
WARMUP = 3
REQUESTS = 40
BUDGET_SECONDS = 20.0  # per page and size: fewer requests when a page is slow
GENERATOR_VERSION = "2"
STREAM_SECONDS = 150  # an export still running after this is stopped and reported as partial


def _data_dir(size: int) -> Path:
    # A fixed, throwaway folder per size: only synthetic data, regenerated on every run.
    return Path("/tmp") / f"tnr-bench-atlas-{size}"  # noqa: S108


PAGE_TIMEOUT = 150  # seconds for one page at one size (warm-up included) before it is reported as too slow


def _child(*args: str, size: int, timeout: float | None = None) -> dict:
    env = {**os.environ, "TNR_DATA_DIR": str(_data_dir(size)), "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings",
           "TNR_ENV": "demo", "TNR_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)  # always the throwaway SQLite file, never a configured server
    out = subprocess.run([sys.executable, "-m", "bench.bench_atlas", *args, str(size)], cwd=ROOT, env=env,  # noqa: S603 - our own module
                         capture_output=True, text=True, check=False, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"bench child {args} {size} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare(size: int) -> dict:
    folder = _data_dir(size)
    marker = folder / f"generated-v{GENERATOR_VERSION}.json"
    if os.environ.get("TNR_BENCH_REUSE") and marker.exists():
        _child("migrate", size=size)  # a reused database gets the indexes added since it was made
        return {**json.loads(marker.read_text()), "reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.time()
    info = _child("generate", size=size)
    info["seconds"] = round(time.time() - started, 1)
    marker.write_text(json.dumps(info))
    return info


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run() -> str:
    generated: dict[int, dict] = {}
    latency: dict[int, dict] = {}
    memory: dict[int, dict] = {}
    for size in SIZES:
        print(f"  atlas bench: {size} claims", flush=True)
        generated[size] = _prepare(size)
        latency[size] = {}
        if os.environ.get("TNR_BENCH_ONE_PROCESS"):
            latency[size] = _child("measure-all", size=size, timeout=PAGE_TIMEOUT * len(PAGES))
            for page in PAGES:
                print(f"    {page}: {latency[size][page]}", flush=True)
        for page, url in PAGES.items():
            if page in latency[size]:
                continue
            try:
                latency[size][page] = _child("measure", url, size=size, timeout=PAGE_TIMEOUT)
            except subprocess.TimeoutExpired:
                latency[size][page] = {"p50": None, "p95": None, "cpu_p50": None, "n": 0,
                                       "status": f"over {PAGE_TIMEOUT} s"}
            print(f"    {page}: {latency[size][page]}", flush=True)
        if os.environ.get("TNR_BENCH_STREAMS", "1") != "0":
            memory[size] = {name: _child("stream", url, size=size) for name, url in STREAMS.items()}
    return _report(generated, latency, memory)


def _fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _report(generated: dict, latency: dict, memory: dict) -> str:
    sizes = list(generated)
    small, large = sizes[0], sizes[-1]
    lines = ["## Atlas and API at scale", ""]
    lines.append("Synthetic record (bench/synthetic.py), one throwaway SQLite database per size:")
    lines.append("")
    lines.append("| claims | evidence | sources | stations | responses | incidents | organisations | generated in |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size in sizes:
        g = generated[size]
        lines.append(f"| {size:,} | {g['evidence']:,} | {g['sources']:,} | {g['stations']:,} | {g['responses']:,} | "
                     f"{g['incidents']:,} | {g['organizations']:,} | {g.get('seconds', '?')} s"
                     + (" (earlier run, database reused)" if g.get("reused") else "") + " |")
    lines += ["", "Latency through Django's full request stack (test client, in-process), milliseconds: "
                  "wall-clock p50 / p95, and in brackets the p50 / p95 of the CPU time the request took in the serving "
                  "process (the machine is shared and often overloaded, so wall-clock time includes "
                  "waiting for a core; CPU time does not). Ratios are the largest size over the smallest, wall-clock and CPU:", ""]
    head = ("| page | " + " | ".join(f"p50 / p95 (cpu p50 / p95) at {s:,}" for s in sizes)
            + f" | ratio {large:,} / {small:,}: wall p50, cpu p50 |")
    lines += [head, "|" + " --- |" * (len(sizes) + 2)]
    for page in PAGES:
        cells = []
        for size in sizes:
            m = latency[size][page]
            if m["p50"] is None:
                cells.append(f"not measured ({m['status']})")
                continue
            note = "" if m["status"] == 200 else f" (HTTP {m['status']})"
            cpu = _fmt_ms(m["cpu_p50"]) + (f" / {_fmt_ms(m['cpu_p95'])}" if "cpu_p95" in m else "")
            cells.append(f"{_fmt_ms(m['p50'])} / {_fmt_ms(m['p95'])} ({cpu}){note}, n={m['n']}")
        a, b = latency[small][page], latency[large][page]
        if a["p50"] and b["p50"]:
            wall, cpu = b["p50"] / a["p50"], b["cpu_p50"] / a["cpu_p50"]
            verdict = ("within 3x" if max(wall, cpu) <= 3 else "**over 3x**" if min(wall, cpu) > 3
                       else f"**over 3x** by {'wall-clock' if wall > 3 else 'CPU'} time, within by the other")
            lines.append(f"| {page} | " + " | ".join(cells) + f" | {wall:.2f}, {cpu:.2f} ({verdict}) |")
        else:
            lines.append(f"| {page} | " + " | ".join(cells) + " | n/a |")
    lines += ["", "What each page shows (counted in its last response): the part of the work that grows with the "
                  "record legitimately, because the page displays it:", ""]
    lines.append("| page | " + " | ".join(f"at {s:,}" for s in sizes) + " |")
    lines.append("|" + " --- |" * (len(sizes) + 1))
    for page in PAGES:
        lines.append(f"| {page} | " + " | ".join(latency[size][page].get("shown") or "—" for size in sizes) + " |")
    if not memory:
        lines += ["", "The streaming exports were not measured in this run (TNR_BENCH_STREAMS=0). Requests per "
                      f"page: {REQUESTS} after {WARMUP} warm-up requests, fewer when a page takes over "
                      f"{BUDGET_SECONDS:.0f} s in total."]
        return "\n".join(lines) + "\n"
    lines += ["", "Streaming the full exports over HTTP: peak resident memory of the process (MB), "
                  "its growth while streaming, and output size:", ""]
    lines.append("| export | " + " | ".join(f"{s:,}: peak / growth / size" for s in sizes) + " |")
    lines.append("|" + " --- |" * (len(sizes) + 1))
    for name in STREAMS:
        cells = []
        for size in sizes:
            m = memory[size][name]
            partial = "" if m.get("complete", True) else " (**stopped**: first part only)"
            cells.append(f"{m['peak_mb']:.0f} / +{m['growth_mb']:.0f} / {m['bytes'] / 1e6:.1f} MB in {m['seconds']:.0f} s{partial}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Growth is the peak RSS after streaming minus the RSS once the first chunk was out (Django, "
                  f"the app and the database connection loaded). An export still running after {STREAM_SECONDS} s "
                  "is stopped and its figures cover the part streamed. Requests per page: "
                  f"{REQUESTS} after {WARMUP} warm-up requests, fewer when a page takes over "
                  f"{BUDGET_SECONDS:.0f} s in total."]
    return "\n".join(lines) + "\n"


# -- children ---------------------------------------------------------------------------------------


def _setup() -> None:
    import django

    django.setup()


def _client():
    from django.test import Client

    # A page that fails is reported with its status, not raised: the bench measures, tests judge.
    return Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)


def child_generate(size: int) -> dict:
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.synthetic import generate
    from tnrwatch.registry.models import Evidence

    info = generate(claims=size)
    info["evidence"] = Evidence.objects.count()
    return info


def child_migrate(size: int) -> dict:
    _setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # Fresh statistics for the query planner, as the generator leaves them.
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"migrated": size}


def child_measure_all(size: int) -> dict:
    _setup()
    from django.core.cache import cache

    results = {}
    for page, url in PAGES.items():
        cache.clear()  # each page starts as in its own process: nothing cached by the page before
        results[page] = child_measure(url, size, setup=False)
    return results


def child_measure(url: str, size: int, *, setup: bool = True) -> dict:
    if setup:
        _setup()
    client = _client()
    for _ in range(WARMUP):
        client.get(url.removeprefix("cold:"))
    timings: list[float] = []
    cpu: list[float] = []
    status = None
    budget_end = time.perf_counter() + BUDGET_SECONDS
    cold = url.startswith("cold:")
    url = url.removeprefix("cold:")
    while len(timings) < REQUESTS and (len(timings) < 3 or time.perf_counter() < budget_end):
        if cold:
            from django.core.cache import cache

            cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        status = response.status_code
    return {"p50": _pct(timings, 0.5), "p95": _pct(timings, 0.95), "cpu_p50": _pct(cpu, 0.5), "cpu_p95": _pct(cpu, 0.95),
            "n": len(timings), "status": status, "shown": _shown(response)}


def _shown(response) -> str:  # noqa: ANN001 - a test-client response
    """What the page put in front of the reader (the work that legitimately grows with the record)."""
    if response.streaming or response.status_code != 200:
        return ""
    body = response.content
    if response["Content-Type"].startswith("application/json"):
        data = json.loads(body)
        if "features" in data:
            kinds = [f["properties"]["kind"] for f in data["features"]]
            return f"{kinds.count('station'):,} station and {kinds.count('country'):,} country features"
        if "results" in data:
            return f"{len(data['results']):,} of {data['count']:,} stations"
        return ""
    parts = [(body.count(b'<a class="marker"'), "map markers"), (body.count(b'<li class="claim">'), "claims"),
             (body.count(b'<li class="evidence '), "quotes")]
    return ", ".join(f"{n:,} {what}" for n, what in parts if n)


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the high-water mark of this process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_stream(url: str, size: int) -> dict:
    _setup()
    client = _client()
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200 and response.streaming, response.status_code
    chunks = iter(response.streaming_content)
    total = len(next(chunks))
    baseline = _rss_mb()
    complete = True
    for chunk in chunks:
        total += len(chunk)
        if time.perf_counter() - started > STREAM_SECONDS:
            complete = False
            break
    response.close()
    peak = _rss_mb()
    return {"peak_mb": peak, "growth_mb": peak - baseline, "bytes": total, "seconds": time.perf_counter() - started,
            "complete": complete}


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "generate":
        result = child_generate(int(argv[1]))
    elif command == "migrate":
        result = child_migrate(int(argv[1]))
    elif command == "measure":
        result = child_measure(argv[1], int(argv[2]))
    elif command == "measure-all":
        result = child_measure_all(int(argv[1]))
    elif command == "stream":
        result = child_stream(argv[1], int(argv[2]))
    else:
        raise SystemExit(f"unknown bench child command {command!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
