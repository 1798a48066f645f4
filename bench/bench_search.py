"""Full-text search at archive scale, on SQLite (FTS5) and PostgreSQL (tsvector + GIN, pg_trgm).

For each size (sources; default 10,000 and 100,000, `TNR_BENCH_SEARCH_SIZES=10000,100000,1000000`
for more) and each engine, a child process fills a throwaway database with a generated archive,
builds the index with `index_rebuild` (the code behind `tnrwatch reindex`; build rate and size on
disk reported), and times `search.selectors.search` for the public (the call behind the search
page: three groups, each a ranked page and a capped count) with several queries of each type:

- one word: names that occur in about 1% of the documents, and, as the worst case, a common word in
  about 20% of them;
- a two-word phrase (about 1%);
- a Chinese two-character query (about 1%);
- a filtered query: a one-word query with language and publication-date filters.

The archive is generated, never copied: sources of 2-8 KB of English-like, Chinese-like and
European-like text (a Zipf-distributed vocabulary of made-up words and common Han characters,
accented words for the European part), 60/25/15 English/Chinese/European, a tenth of them
TLP:AMBER, plus a registry of 500 stations and organisations with Chinese names and 20,000 claims.

SQLite databases live under /tmp; PostgreSQL ones are `tnr_bench_search_<size>` on the loopback
server (dropped and recreated on each run). Never point this at a real database.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(s) for s in os.environ.get("TNR_BENCH_SEARCH_SIZES", "10000,100000").split(",") if s]
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
REPEATS = 12  # timed searches per query (after one warm-up each); several queries per type
CHILD_TIMEOUT = 4 * 3600
SEED = 16

# --- the generated archive ---------------------------------------------------------------------

_SYLLABLES = ["ba", "ko", "ri", "ten", "sa", "mo", "lu", "vin", "dar", "pe", "qui", "nor", "ta", "sel", "im",
              "ga", "ro", "fe", "ul", "chen", "wa", "zi", "ost", "mar", "bel", "ka", "do", "ne", "tri", "hus"]
_ACCENTED = ["estación", "policía", "viña", "ministère", "straße", "über", "gefährdet", "señal", "città",
             "überwachung", "sécurité", "révélé", "información", "pública", "ayuntamiento", "kölner", "ação"]
# Common Han characters (a block of the most frequent ones, by code point ranges that hold them).
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
NAMES = [f"{a}{b}{c}" for a, b, c in zip(["qing", "wen", "fu", "li", "ning", "hang", "zhe", "guang"],
                                          ["tian", "zhou", "jian", "shui", "bo", "zhou", "jiang", "dong"],
                                          ["ese", "ian", "ite", "ong", "ara", "oli", "ium", "ero"], strict=True)]
PHRASES = [("service", "centre"), ("hometown", "association"), ("public", "notice"), ("overseas", "liaison")]
# Pairs that occur only where planted: none of them is in the registry's generated names (警侨服务站,
# 公安局), and all but 同乡 have a character outside the block the random text draws from. (服务 and 公安,
# used before, matched every station and its 20,000 claims: not a ~1% query.)
ZH_PAIRS = ["警察", "侨领", "统战", "劝返", "同乡", "领事"]
COMMON = "community"


def _vocabulary(rng: random.Random, n: int = 6000) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def _zipf_picker(rng: random.Random, items: list[str], s: float = 1.05):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    import bisect

    def pick(k: int) -> list[str]:
        return [items[min(len(items) - 1, bisect.bisect(cum, rng.random() * total))] for _ in range(k)]

    return pick


def _pools(rng: random.Random, words, han, n: int = 6000) -> dict[str, list[tuple[str, str]]]:
    """Sentences to build documents from, each with its index terms (documents pick sentences at
    random: generating and folding every word of a million documents one by one would take hours,
    and the terms of a document are the terms of its sentences, which punctuation separates)."""
    from tnrwatch.search.text import index_terms

    en = [" ".join(words(rng.randint(6, 18))).capitalize() + "." for _ in range(n)]
    eu = [" ".join(rng.choice(_ACCENTED) if rng.random() < 0.2 else w for w in words(rng.randint(6, 18))).capitalize() + "."
          for _ in range(n)]
    zh = ["".join(han(rng.randint(12, 40))) + "。" for _ in range(n)]
    return {lang: [(t, index_terms(t)) for t in pool] for lang, pool in (("en", en), ("eu", eu), ("zh", zh))}


def _document(rng: random.Random, pools: dict[str, list[tuple[str, str]]], lang: str) -> tuple[str, list[str]]:
    """(text, index terms of each of its sentences) of one generated document."""
    from tnrwatch.search.text import index_terms

    size = rng.randint(2000, 8000)  # bytes of UTF-8
    pool = pools[lang]
    parts: list[tuple[str, str]] = []
    used = 0
    while used < size:
        sentence = pool[rng.randrange(len(pool))]
        parts.append(sentence)
        used += len(sentence[0]) * (3 if lang == "zh" else 1)
    # Planted terms at controlled rates, so the queries' hit counts are known.
    planted = [name.capitalize() for name in NAMES if rng.random() < 0.01]
    planted += [f"{a} {b}" for a, b in PHRASES if rng.random() < 0.01]
    planted += [COMMON] if rng.random() < 0.2 else []
    planted += [p for p in ZH_PAIRS if rng.random() < 0.01]
    for term in planted:
        text = term + ("，" if term in ZH_PAIRS else ",")
        parts.insert(rng.randrange(len(parts) + 1), (text, _planted_terms(term, index_terms)))
    joiner = "" if lang == "zh" else " "
    return joiner.join(t for t, _x in parts), [x for _t, x in parts]


class _Stems:
    """`text.stem_terms` of a document from its sentences' stems, each sentence stemmed once per
    language (the distinct stems of a text, in order, are the distinct stems of its sentences',
    in order): stemming every word of a million documents again was most of the generation's CPU."""

    def __init__(self) -> None:
        from tnrwatch.search.text import stem_terms

        self._stem_terms = stem_terms
        self._cache: dict[tuple[str, str], list[str]] = {}

    def _of(self, terms: str, language: str) -> list[str]:
        key = (terms, language)
        if key not in self._cache:
            self._cache[key] = self._stem_terms(terms, language).split()
        return self._cache[key]

    def __call__(self, title: str, sentences: list[str], language: str) -> str:
        stems = self._stem_terms(title, language).split()
        for terms in sentences:
            stems.extend(self._of(terms, language))
        return " ".join(dict.fromkeys(stems))


_PLANTED: dict[str, str] = {}


def _planted_terms(term: str, index_terms) -> str:  # noqa: ANN001 - text.index_terms
    if term not in _PLANTED:
        _PLANTED[term] = index_terms(term)
    return _PLANTED[term]


def child_generate(sources: int) -> dict:
    """The record through the ORM's bulk inserts, and the sources' index rows written beside them
    from the same sentences (the terms `index_rebuild` would make, without folding each document
    again: a million documents stay a matter of minutes). The engine's own index is built after
    (`child_index`)."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from tnrwatch.registry.models import (
        Claim,
        Country,
        Evidence,
        Organization,
        Source,
        Station,
        claim_key,
    )
    from tnrwatch.registry.publishers import publisher_key
    from tnrwatch.search.models import SearchEntry
    from tnrwatch.search.services import index_records
    from tnrwatch.search.text import fold, index_terms

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":  # built once after the load (child_index), not row by row
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS search_entry_document")
            cur.execute("DROP INDEX IF EXISTS search_entry_names_trgm")
            cur.execute("DROP INDEX IF EXISTS search_entry_head")
    server = _server_clock()
    cpu_started, server_started = time.process_time(), server()
    rng = random.Random(SEED)
    words = _zipf_picker(rng, _vocabulary(rng))
    han = _zipf_picker(rng, _HAN, s=0.9)
    pools = _pools(rng, words, han)
    started = time.time()
    countries = list(Country.objects.order_by("pk")[:60])
    with transaction.atomic():
        orgs = Organization.objects.bulk_create([
            Organization(kind="operating_bureau", name_en=f"{NAMES[i % 8].capitalize()} bureau {i}",
                         name_zh="".join(han(4)) + "公安局", country=countries[i % 60],
                         marking="amber" if i % 10 == 0 else "clear") for i in range(200)])
        stations = Station.objects.bulk_create([
            Station(name_en=f"Service station {i}", name_zh="".join(han(3)) + "警侨服务站", country=countries[i % 60],
                    operator=orgs[i % 200], marking="amber" if i % 10 == 0 else "clear") for i in range(300)])
    langs = ["en"] * 60 + ["zh"] * 25 + ["eu"] * 15
    publishers = {i: (f"Publisher {i}", index_terms(f"Publisher {i} "), fold(f"Publisher {i}"), publisher_key(f"Publisher {i}"))
                  for i in range(300)}
    text_bytes = 0
    rows: list[tuple] = []
    entries: list[tuple] = []
    stems = _Stems()
    now = dt.datetime.now(dt.UTC)
    if connection.vendor == "sqlite":
        now = now.replace(tzinfo=None)
    # Every column of the table: those given below per row, the others at their model default (so a
    # column added to Source later does not break the load).
    given = ["id", "marking", "created_at", "updated_at", "kind", "title", "publisher", "author", "url", "published",
             "language", "sha256", "captured_at", "text", "republish_allowed", "reuse_terms", "publisher_key"]
    rest = [f for f in Source._meta.concrete_fields if f.column not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = ", ".join(given + [f.column for f in rest])
    insert_source = f"INSERT INTO {Source._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * (len(given) + len(rest)))})"  # noqa: S608 - fixed SQL
    insert_entry = "INSERT INTO search_entry (id, kind, object_id, title, names, body, stems, names_raw, countries, " \
        "language, published, publisher) VALUES (%s, 'source', %s, %s, %s, %s, %s, '', '', %s, %s, %s)"

    def flush(cur) -> None:  # noqa: ANN001 - a cursor
        # Raw executemany, not the ORM's bulk_create (model construction and SQL compilation were
        # most of the generation's CPU); ids assigned here, the sequences reset after the load.
        cur.executemany(insert_source, rows)
        cur.executemany(insert_entry, entries)
        rows.clear()
        entries.clear()

    with transaction.atomic(), connection.cursor() as cur:
        for i in range(1, sources + 1):
            lang = rng.choice(langs)
            text, body = _document(rng, pools, lang)
            text_bytes += len(text.encode())
            title = " ".join(words(rng.randint(4, 9))).capitalize() if lang != "zh" else "".join(han(rng.randint(8, 16)))
            published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            pub = rng.randrange(300)
            language = {"eu": rng.choice(["es", "de", "fr"])}.get(lang, lang)
            marking = "amber" if rng.random() < 0.1 else "clear"
            republish = rng.random() < 0.5  # half of the captured copies may be republished
            rows.append((i, marking, now, now, "news", title, publishers[pub][0], "", "", published, language, None, None,
                         text, republish, "CC BY 4.0" if republish else "", publishers[pub][3], *defaults))
            folded = index_terms(title)
            entries.append((i, i, folded, publishers[pub][1], " ".join(body), stems(folded, body, language), language,
                            published, publishers[pub][2]))
            if len(rows) >= 2000:
                flush(cur)
        if rows:
            flush(cur)
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Source, SearchEntry]):
            cur.execute(sql)
    # The shortcut must index what `tnrwatch reindex` would: check a sample against the services' fields.
    from tnrwatch.search.services import _source_fields

    for src in Source.objects.order_by("?")[:20]:
        entry = SearchEntry.objects.get(kind="source", object_id=src.pk)
        want = _source_fields(src, "")
        if (entry.title, entry.names.strip(), entry.body, entry.stems) != (want["title"], want["names"].strip(), want["body"], want["stems"]):
            raise RuntimeError(f"bulk-loaded index row of source {src.pk} differs from what reindex writes")
    # Claims about the registry, citing the first sources (the "plus the registry" part).
    first = list(Source.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    claims = []
    for i in range(20_000):
        st = stations[i % 300]
        value = f"{' '.join(words(3))} {i}"
        claims.append(Claim(key=claim_key("station", st.pk, "note", value), subject_type="station", subject_id=st.pk,
                            prop="note", value=value, marking="clear"))
    with transaction.atomic():
        Claim.objects.bulk_create(claims, batch_size=2000)
    with transaction.atomic():
        Evidence.objects.bulk_create([Evidence(claim_id=c.pk, source_id=first[i % len(first)], quote="q", marking="clear")
                                      for i, c in enumerate(Claim.objects.order_by("pk"))], batch_size=2000)
    # The registry through the indexing services (what the registry's services call).
    index_records(ids_by_kind={"station": [s.pk for s in stations], "organization": [o.pk for o in orgs],
                               "claim": list(Claim.objects.values_list("pk", flat=True))})
    return {"sources": sources, "text_mb": round(text_bytes / 1e6, 1), "generate_s": round(time.time() - started, 1),
            "generate_cpu_s": round(time.process_time() - cpu_started, 1), "generate_server_s": round(server() - server_started, 1)}


def child_index(sources: int) -> dict:
    """The engine's own index over the loaded rows, in one pass: FTS5 'rebuild' (what the
    external-content tables offer for a bulk load) or PostgreSQL's CREATE INDEX."""
    import django

    django.setup()
    from django.db import connection

    from tnrwatch.search.backends import backend

    server = _server_clock()
    started, cpu_started, server_started = time.time(), time.process_time(), server()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA cache_size = -262144")  # 256 MB for the build's b-tree pages
            backend().rebuild()
        else:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute("SET max_parallel_maintenance_workers = 0")  # the build's CPU all in this backend, measured
            cur.execute("CREATE INDEX search_entry_document ON search_entry USING gin (document)")
            cur.execute("CREATE INDEX search_entry_names_trgm ON search_entry USING gin (names_raw gin_trgm_ops)")
            cur.execute("CREATE INDEX search_entry_head ON search_entry USING gin (head)")
        took, cpu = time.time() - started, time.process_time() - cpu_started + server() - server_started
        cur.execute("ANALYZE")
    return {"index_s": round(took, 1), "rate": round(sources / took, 1), "index_cpu_s": round(cpu, 1),
            "index_mb": round(backend().size_bytes() / 1e6, 1)}


def _queries() -> dict[str, list[tuple[str, dict]]]:
    return {
        "one word (~1%)": [(n.capitalize(), {}) for n in NAMES],
        "common word (~20%)": [(COMMON, {})],
        "two-word phrase (~1%)": [(f'"{a} {b}"', {}) for a, b in PHRASES],
        "Chinese two characters (~1%)": [(p, {}) for p in ZH_PAIRS],
        "filtered: word + language + dates": [(n.capitalize(), {"language": "en", "date_from": "2018-01-01",
                                                                "date_to": "2021-12-31"}) for n in NAMES],
    }


def child_measure(sources: int) -> dict:
    import datetime as dt

    import django

    django.setup()
    from tnrwatch.search.selectors import SearchFilters, search
    from tnrwatch.sharing.outbound import PUBLIC

    server = _server_clock()
    out = {}
    for label, queries in _queries().items():
        times: list[float] = []
        cpu: list[float] = []  # this process's CPU time: SQLite works in it, PostgreSQL in its server
        server_cpu: list[float] = []  # the PostgreSQL backend's CPU time for the same search
        hits = []
        for q, f in queries:
            filters = SearchFilters(**{k: dt.date.fromisoformat(v) if k.startswith("date") else v for k, v in f.items()})
            results = search(q, PUBLIC, filters)  # warm-up
            hits.append(results.groups["source"].count)
            for _ in range(max(2, REPEATS // len(queries))):
                t, c, s = time.perf_counter(), time.process_time(), server()
                search(q, PUBLIC, filters)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                server_cpu.append(server() - s)
        out[label] = {"p50": _pct(times, 50), "p95": _pct(times, 95), "cpu50": _pct(cpu, 50), "cpu95": _pct(cpu, 95),
                      "server50": _pct(server_cpu, 50), "server95": _pct(server_cpu, 95),
                      "n": len(times), "hits": round(sum(hits) / len(hits))}
    return out


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _server_clock():  # noqa: ANN202 - a clock function
    """A clock of the CPU time the database server spends for this process: the PostgreSQL backend's
    time on a CPU (/proc/<pid>/schedstat, nanoseconds; the server runs on this machine), 0 on SQLite
    (whose work is in this process's own CPU time)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return lambda: 0.0
    connection.ensure_connection()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cur.fetchone()[0]}/schedstat")
    if not stat.exists():
        return lambda: 0.0
    return lambda: int(stat.read_text().split()[0]) / 1e9


# --- the parent -------------------------------------------------------------------------------

def _env(engine: str, size: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "demo",
           "TNR_ALLOWED_HOSTS": "127.0.0.1", "TNR_DATA_DIR": str(_folder(engine, size))}
    env.pop("DATABASE_URL", None)
    if engine == "postgresql":
        env["DATABASE_URL"] = PG_URL.format(name=f"tnr_bench_search_{size}")
    return env


def _folder(engine: str, size: int) -> Path:
    return Path("/tmp") / f"tnr-bench-search-{engine}-{size}"  # noqa: S108 - throwaway, synthetic only


def _child(engine: str, command: str, size: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.bench_search", command, str(size)], cwd=ROOT,  # noqa: S603
                         env=_env(engine, size), capture_output=True, text=True, check=False, timeout=CHILD_TIMEOUT)
    if out.returncode != 0:
        raise RuntimeError(f"bench child {engine} {command} {size} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fresh(engine: str, size: int) -> None:
    folder = _folder(engine, size)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS tnr_bench_search_{size}")
            conn.execute(f"CREATE DATABASE tnr_bench_search_{size} ENCODING 'UTF8' TEMPLATE template0")


def _pg_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def run() -> str:
    engines = ["sqlite"] + (["postgresql"] if _pg_available() else [])
    results: dict = {}
    for engine in engines:
        for size in SIZES:
            print(f"  search bench: {engine}, {size} sources", flush=True)
            _fresh(engine, size)
            info = _child(engine, "generate", size)
            info |= _child(engine, "index", size)
            info["latency"] = _child(engine, "measure", size)
            if engine == "sqlite":
                info["db_mb"] = round(sum(f.stat().st_size for f in _folder(engine, size).glob("*.sqlite3*")) / 1e6, 1)
            print(f"    {info}", flush=True)
            results[(engine, size)] = info
    return _report(results, engines)


def _ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def _cpu(lat: dict, p: int) -> float:
    """CPU time of a search: this process's and (PostgreSQL) its server backend's, at percentile p."""
    return lat.get(f"cpu{p}", 0) + lat.get(f"server{p}", 0)


def _latency(lat: dict) -> str:
    cpu = f"{_ms(_cpu(lat, 50))} / {_ms(_cpu(lat, 95))}"
    if lat.get("server50"):
        cpu = f"{_ms(lat['cpu50'])} + {_ms(lat['server50'])} / {_ms(lat.get('cpu95', 0))} + {_ms(lat['server95'])}"
    return f"{_ms(lat['p50'])} / {_ms(lat['p95'])} ({cpu}; {lat['hits']})"


def _report(results: dict, engines: list[str]) -> str:
    lines = ["## Full-text search", "",
             "`bench/bench_search.py` (`make bench`, or `python -m bench.run search`; sizes from "
             "`TNR_BENCH_SEARCH_SIZES`, default `10000,100000`, add `1000000` for the million-source run): generated "
             "archives (2-8 KB sources, 60% English-like, 25% Chinese-like, 15% European-like text; a tenth TLP:AMBER; "
             "500 stations and organisations, 20,000 claims). The sources and their index rows (from the same "
             "sentences) are written with raw executemany in one transaction, the registry with the ORM's bulk inserts "
             "(checked against what `tnrwatch reindex` writes), then the engine builds its index in one pass (FTS5 'rebuild'; PostgreSQL CREATE INDEX). "
             "Timed: `search.selectors.search(q, PUBLIC)` in-process, the call behind the search page (entities, "
             "claims and sources, each a ranked page of 20 with passages and a count capped at 1,000). `hits` is the "
             "number of public sources found (capped at 1,001).", ""]
    sizes = sorted({s for _e, s in results})
    for engine in engines:
        have = [s for s in sizes if (engine, s) in results]
        if not have:
            continue
        lines.extend([f"### {'SQLite FTS5' if engine == 'sqlite' else 'PostgreSQL tsvector + GIN'}", "",
                      "| | " + " | ".join(f"{s:,} sources" for s in have) + " |",
                      "|---|" + "---|" * len(have)])

        def row(label: str, fn, engine: str = engine, have: list = have) -> None:  # noqa: ANN001 - a formatter
            lines.append(f"| {label} | " + " | ".join(fn(results[(engine, s)]) for s in have) + " |")

        row("text generated: wall (CPU here + server)", lambda r: f"{r['text_mb']} MB in {r['generate_s']} s "
            f"({r.get('generate_cpu_s', '?')} + {r.get('generate_server_s', 0)} s)")
        row("engine index build: wall (CPU)", lambda r: f"{r['index_s']} s ({r.get('index_cpu_s', '?')} s; {r['rate']:,} sources/s wall)")
        row("index size on disk", lambda r: f"{r['index_mb']} MB" + (f" (database file {r['db_mb']} MB)" if "db_mb" in r else ""))
        cpu_label = "cpu p50 / p95" if engine == "sqlite" else "client + server cpu p50 / p95"
        for label in results[(engine, have[0])]["latency"]:
            row(f"{label}: wall p50 / p95 ms ({cpu_label}; hits)", lambda r, lb=label: _latency(r["latency"][lb]))
        small = have[0]
        for large in have[1:]:
            ratios = []
            for label in results[(engine, small)]["latency"]:
                a, b = results[(engine, small)]["latency"][label], results[(engine, large)]["latency"][label]
                ca, cb = _cpu(a, 50), _cpu(b, 50)
                cpu = f", cpu {cb / ca:.2f}x" if ca and cb else ""
                ratios.append(f"{label} {b['p50'] / a['p50']:.2f}x / {b['p95'] / a['p95']:.2f}x{cpu}")
            lines.extend(["", f"Ratios {large:,}/{small:,} (wall p50 / p95, and CPU p50): " + "; ".join(ratios) + "."])
        lines.append("")
    return "\n".join(lines)


def run_one(engine: str, size: int) -> dict:
    """One engine and size from scratch (generate, index, measure), its figures saved as JSON beside
    the archive, so that runs started by hand in parallel can be reported together (`report`)."""
    _fresh(engine, size)
    info = _child(engine, "generate", size)
    info |= _child(engine, "index", size)
    if engine == "sqlite":
        info["db_mb"] = round(sum(f.stat().st_size for f in _folder(engine, size).glob("*.sqlite3*")) / 1e6, 1)
    info["latency"] = _child(engine, "measure", size)
    info["load"] = os.getloadavg()
    (_folder(engine, size).parent / f"tnr-bench-search-{engine}-{size}.json").write_text(json.dumps(info))
    return info


def report_saved() -> str:
    """The report of the runs saved by `run_one` (python -m bench.bench_search report)."""
    results = {}
    for engine in ("sqlite", "postgresql"):
        for size in sorted(int(p.stem.rsplit("-", 1)[1]) for p in Path("/tmp").glob(f"tnr-bench-search-{engine}-*.json")):  # noqa: S108
            results[(engine, size)] = json.loads((Path("/tmp") / f"tnr-bench-search-{engine}-{size}.json").read_text())  # noqa: S108
    return _report(results, [e for e in ("sqlite", "postgresql") if any(k[0] == e for k in results)])


def main(argv: list[str]) -> int:
    if argv[0] == "one":
        print(json.dumps(run_one(argv[1], int(argv[2]))))
        return 0
    if argv[0] == "report":
        print(report_saved())
        return 0
    command, size = argv[0], int(argv[1])
    result = {"generate": child_generate, "index": child_index, "measure": child_measure}[command](size)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
