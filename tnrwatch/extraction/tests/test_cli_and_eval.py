"""`tnrwatch extract FILE` prints JSON lines; `make eval` reaches its targets on the dev set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from tnrwatch.extraction.evaluate import evaluate, load_devset, report

TEXT = ("So far the Dutch and Irish governments have ordered China to shut down its overseas "
        "police service stations. 青田县公安局在意大利米兰设立了海外华侨服务站。\n")


def test_tnrwatch_extract_prints_one_json_object_per_line(tmp_path: Path):
    # Given a text file, when the installed command reads it, then every line is a JSON object
    # whose quote is the file's text at its offsets.
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "TNR_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "tnrwatch.cli", "extract", str(path)],  # noqa: S603 (our own command)
                            capture_output=True, text=True, env=env, timeout=300, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    for row in rows:
        assert TEXT[row["start"]:row["end"]] == row["quote"]
        assert {"kind", "country", "action", "city", "operator", "value", "what", "quote", "start",
                "end", "lang", "confidence"} <= set(row)
    assert {(r["country"], r["action"]) for r in rows if r["kind"] == "response"} == {
        ("NL", "closure_ordered"), ("IE", "closure_ordered")}
    assert {(r["city"], r["country"]) for r in rows if r["kind"] == "station"} == {("Milan", "IT")}


def test_management_command_reads_binary_junk_and_reports_missing_files(tmp_path: Path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\xff\xfe\x00\x81 Dutch government ordered the closure\x00\xc3")
    out = StringIO()
    call_command("extract", str(junk), stdout=out)
    for line in out.getvalue().splitlines():
        json.loads(line)
    err = StringIO()
    try:
        call_command("extract", str(tmp_path / "missing.txt"), stdout=StringIO(), stderr=err)
    except Exception as exc:  # CommandError
        assert "could not be read" in str(exc)
    assert "missing.txt" in err.getvalue()


def test_dev_set_f1_targets():
    docs, notes = load_devset()
    assert len(docs) >= 31
    assert len({d.lang for d in docs}) >= 8
    scores, errors = evaluate(docs)
    assert scores["response"].f1 >= 0.85, errors
    assert scores["station"].f1 >= 0.85, errors
    assert scores["operator"].f1 >= 0.7, errors
    assert scores["figure"].f1 >= 0.7, errors
    assert "| response country+action |" in report(docs, scores, notes)


def test_make_eval_prints_without_rewriting_the_tracked_docs(capsys):
    # Given the tracked benchmarks page, when `make eval` runs without WRITE=1, then it prints
    # the development table (and the held-out one, or a note that it is absent) and leaves
    # the page as it was.
    from tnrwatch.extraction.evaluate import REPO, main

    doc = REPO / "docs" / "benchmarks.md"
    before = doc.read_bytes()
    assert main(["--dev-only"]) == 0
    out = capsys.readouterr().out
    assert "### Development set" in out
    assert "### Held-out set" in out or "held-out set" in out
    assert "| language | texts |" in out
    assert doc.read_bytes() == before


def test_writing_a_benchmark_section_keeps_the_text_around_it():
    # The hand-written readings between the marked sections of docs/benchmarks.md survive a
    # section being rewritten by `make bench` or `make eval WRITE=1`.
    from bench.run import replace_section

    doc = ("# Benchmarks\n\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\n\nA reading of a.\n\n"
           "<!-- bench:b -->\nold b\n<!-- /bench:b -->\n\nA reading of b.\n")
    out = replace_section(doc, "a", "new a\n")
    assert out == doc.replace("old a", "new a")
    added = replace_section(out, "c", "c\n")
    assert added.startswith(out.rstrip("\n")) and added.endswith("<!-- bench:c -->\nc\n<!-- /bench:c -->\n")
