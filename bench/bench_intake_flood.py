"""Intake under a flood: wrong receipts against follow-up, and junk submissions against the budget.

Both run against gunicorn (2 sync workers, SQLite WAL on disk), the clients on the same machine.

1. Receipt flood: attackers post wrong receipts to /report/follow-up/ as fast as they can for
   FLOOD_SECONDS (60 s); meanwhile a real reporter opens their report with the right receipt twice
   a second. Figures: the attacker's rate, the real reporter's success rate (target >= 99%) and
   latency (p50, p99).
2. Junk flood: attackers submit junk reports (text and a 10 KB file) as fast as the server takes
   them for FLOOD_SECONDS, against a small budget (BUDGET_REPORTS reports, BUDGET_BYTES bytes per
   hour). Figures: answers by status (only 200 and the designed 503 busy are allowed), reports
   stored, growth of the blob folder against the byte budget and of the whole data folder, and
   how long after the flood a real report goes through (the bucket drains one report every
   3600 / BUDGET_REPORTS s).
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

FLOOD_SECONDS = float(os.environ.get("TNR_BENCH_FLOOD_SECONDS", "60"))
ATTACKERS = 8
BUDGET_REPORTS = 600
BUDGET_BYTES = 64 * 1024 * 1024

SETTINGS = textwrap.dedent(f'''
    from tnrwatch.config.settings import *  # noqa: F401,F403
    TNR_INTAKE = {{**TNR_INTAKE, "budget_reports_per_hour": {BUDGET_REPORTS}, "budget_bytes_per_hour": {BUDGET_BYTES}}}
''')


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def _csrf(server) -> tuple[str, str]:
    from tnrwatch.intake.tests.live import TOKEN_RE

    _, headers, page = server.request("GET", "/report/follow-up/")
    return headers.get("Set-Cookie", "").split(";", 1)[0], TOKEN_RE.search(page).group(1).decode()


def _follow_up_body(receipt: str, token: str) -> bytes:
    from urllib.parse import urlencode

    return urlencode({"action": "open", "receipt": receipt, "csrfmiddlewaretoken": token}).encode()


def _receipt_flood(server) -> list[str]:
    from tnrwatch.intake import crypto

    status, receipt = server.submit({"what_happened": "The real report.", "wants_reply": "yes"})
    assert status == 200 and receipt, status
    for i in range(200):  # other reports in the table
        server.submit({"what_happened": f"Another report {i}.", "wants_reply": "no"})
    cookie, token = _csrf(server)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    stop = threading.Event()
    attack = Counter()
    real: list[tuple[bool, float]] = []

    def attacker() -> None:
        while not stop.is_set():
            body = _follow_up_body(crypto.receipt_generate(), token)
            try:
                status, _, _ = server.request("POST", "/report/follow-up/", body=body, headers=headers, timeout=30)
            except OSError:
                status = -1
            attack[status] += 1

    def reporter() -> None:
        body = _follow_up_body(receipt, token)
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _, page = server.request("POST", "/report/follow-up/", body=body, headers=headers, timeout=30)
                ok = status == 200 and b'id="status"' in page
            except OSError:
                ok = False
            real.append((ok, time.perf_counter() - started))
            stop.wait(0.5)

    threads = [threading.Thread(target=attacker) for _ in range(ATTACKERS)] + [threading.Thread(target=reporter)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(FLOOD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    attempts = sum(attack.values())
    successes = sum(ok for ok, _ in real)
    latencies = [latency for _, latency in real]
    rate = 100 * successes / len(real) if real else 0.0
    return [
        f"**Receipt flood** ({FLOOD_SECONDS:.0f} s, {ATTACKERS} attacker connections, 201 reports stored): the attacker sent "
        f"{attempts:,} wrong receipts, **{attempts / elapsed:,.0f}/s** (answers: "
        f"{', '.join(f'{k}: {v:,}' for k, v in sorted(attack.items()))}). A real reporter opened their report "
        f"{len(real)} times meanwhile: **{successes}/{len(real)} succeeded ({rate:.1f}%)** (target >= 99%) "
        f"{'✓' if rate >= 99 else '✗'}; latency p50 {1000 * _percentile(latencies, .5):.0f} ms, "
        f"**p99 {1000 * _percentile(latencies, .99):.0f} ms** (queued behind the flood on two workers).",
    ]


def _junk_flood(server) -> list[str]:
    from tnrwatch.intake.tests.live import encode_multipart

    status, _ = server.submit({"what_happened": "warm-up", "wants_reply": "no"})  # CSRF cookie and token
    cookie, token = server._csrf
    body, content_type = encode_multipart(
        {"what_happened": "junk " * 100, "wants_reply": "no", "csrfmiddlewaretoken": token}, [("junk.bin", os.urandom(10 * 1024))],
    )
    headers = {"Content-Type": content_type, "Cookie": cookie}
    blobs, data = server.data_dir / "intake", server.data_dir
    blobs_before, data_before = _folder_bytes(blobs), _folder_bytes(data)
    with server.db() as conn:
        reports_before = conn.execute("SELECT count(*) FROM intake_report").fetchone()[0]
    stop = threading.Event()
    answers = Counter()

    def attacker() -> None:
        while not stop.is_set():
            try:
                status, _, _ = server.request("POST", "/report/", body=body, headers=headers, timeout=30)
            except OSError:
                status = -1
            answers[status] += 1

    threads = [threading.Thread(target=attacker) for _ in range(ATTACKERS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(FLOOD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ended = time.perf_counter()
    waited, real_status = 0.0, 0
    while time.perf_counter() - ended < 2 * 3600 / BUDGET_REPORTS + 10:
        real_status, receipt = server.submit({"what_happened": "A real report after the flood.", "wants_reply": "yes"})
        if real_status == 200 and receipt:
            waited = time.perf_counter() - ended
            break
        time.sleep(0.5)
    blob_growth, data_growth = _folder_bytes(blobs) - blobs_before, _folder_bytes(data) - data_before
    with server.db() as conn:
        stored = conn.execute("SELECT count(*) FROM intake_report").fetchone()[0] - reports_before - (real_status == 200)
    allowed_reports = BUDGET_REPORTS * (1 + elapsed / 3600)
    allowed_bytes = BUDGET_BYTES * (1 + elapsed / 3600)
    other_5xx = sum(v for k, v in answers.items() if k >= 500 and k != 503) + answers.get(-1, 0)
    total = sum(answers.values())
    return [
        f"**Junk flood** ({FLOOD_SECONDS:.0f} s, {ATTACKERS} connections, each POST a report with a 10 KB file; budget "
        f"{BUDGET_REPORTS} reports and {BUDGET_BYTES // 2 ** 20} MiB per hour): {total:,} submissions, {total / elapsed:,.0f}/s; "
        f"answers {', '.join(f'{k}: {v:,}' for k, v in sorted(answers.items()))}. **Other 5xx or failed connections: "
        f"{other_5xx}** {'✓' if other_5xx == 0 else '✗'} (503 is the designed busy answer, with Retry-After). Stored: "
        f"{stored} reports (allowed over {elapsed:.0f} s: {allowed_reports:.0f}) {'✓' if stored <= allowed_reports else '✗'}; "
        f"blob folder +{blob_growth / 2 ** 20:.1f} MiB (allowed {allowed_bytes / 2 ** 20:.0f} MiB) "
        f"{'✓' if blob_growth <= allowed_bytes else '✗'}; whole data folder +{data_growth / 2 ** 20:.1f} MiB (database "
        f"rows, WAL and blobs). After the flood a real report went through "
        + (f"after **{waited:.1f} s** ✓ (one report drains every {3600 / BUDGET_REPORTS:.0f} s)." if waited or real_status == 200
           else f"**not within {2 * 3600 / BUDGET_REPORTS + 10:.0f} s** ✗ (last answer {real_status})."),
    ]


def run() -> str:
    from tnrwatch.intake.tests.live import GunicornServer

    work = Path(tempfile.mkdtemp(prefix="tnr-bench-flood-"))
    (work / "tnr_bench_flood_settings.py").write_text(SETTINGS)

    def make(name: str) -> GunicornServer:
        server = GunicornServer(work / name, workers=2, access_log=False)
        server.env["DJANGO_SETTINGS_MODULE"] = "tnr_bench_flood_settings"
        server.env["PYTHONPATH"] = os.pathsep.join([str(work), str(Path(__file__).resolve().parent.parent)])
        return server.prepare().start()

    lines = ["## Intake under a flood (wrong receipts, junk submissions)", "",
             "gunicorn, 2 sync workers, SQLite (WAL) on disk; attackers and the real reporter are clients on the same "
             "2-core machine, so the attackers also take CPU from the server.", ""]
    server = make("receipts")
    try:
        lines += _receipt_flood(server)
    finally:
        server.stop()
    lines.append("")
    server = make("junk")
    try:
        lines += _junk_flood(server)
    finally:
        server.stop()
    lines += ["", "No client is identified or counted (no IPs are kept): the receipt check has no throttle, and the budget "
              "is one bucket for the instance. Why, and the layered defence in front (Tor proof of work, proxy limits): "
              "SECURITY.md."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(run())
