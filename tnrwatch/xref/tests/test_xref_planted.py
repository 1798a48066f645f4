"""The benchmark's planted matches, small: a generated record and partner file (tnrwatch/xref/
synthetic.py; cross-script variants planted by rules written before the matcher's threshold was
chosen) cross-referenced through the service and the database; recall and precision as required
of the full-size run in `make bench` (docs/benchmarks.md).

When this run came first in a process, the runs of test_xref.py after it scored every pair 0: nomenklatura
memoised the names of `record-person-1` and the like from this run's record (matching.py's docstring).
Fixed; test_xref.py's `test_a_run_leaves_nothing_for_the_next` runs two runs in one process in both
orders, and this file no longer needs to run last."""

from __future__ import annotations

import json

import pytest

from tnrwatch.xref import services, synthetic

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_planted_cross_script_matches_are_found(tmp_path):
    generated = synthetic.generate(record=300, file=300, planted=60, seed=5)
    keys = synthetic.load_record(generated)
    path = tmp_path / "partner.ftm.json"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in generated.file), encoding="utf-8")
    run = services.xref_run(actor=None, actor_label="test", path=path, filename=path.name, dataset="generated")
    by_row = {row: key for key, row in keys.items()}
    proposals = [(p.file_id, by_row.get((p.subject_type, p.subject_id), "")) for p in run.proposals.all()]
    figures = synthetic.score(generated.truth, proposals)
    assert run.entities == 300 and run.refused == 0
    assert figures["recall"] >= 0.9, figures
    assert figures["precision"] >= 0.85, figures
