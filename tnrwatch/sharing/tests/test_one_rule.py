"""One publication rule: no module outside `sharing.outbound` filters on markings.

The copy of a marking filter that nobody updates is where a leak starts (STYLE.md, lesson 6), so
this walks every module of the project (tests and migrations aside) and fails on
- a lookup on a marking in a query (`filter`, `exclude`, `get`, `Q`, `When`, ... with a keyword
  `marking`, `marking__...` or `...__marking...`), or
- a comparison of a `.marking` attribute (`obj.marking in allowed`, `x.marking == "clear"`).
Writes that set a marking (`create(marking=...)`, `obj.marking = ...`, `update(marking=...)`) are
allowed: deciding who sees a record is the rule's job, choosing a record's marking is not.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # tnrwatch/
RULE = PACKAGE / "sharing" / "outbound"
LOOKUPS = {"filter", "exclude", "get", "Q", "When", "filter_by", "first", "exists", "count", "get_object_or_404"}


def _is_marking_lookup(name: str | None) -> bool:
    if not name:
        return False
    parts = name.split("__")
    return "marking" in parts


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def offences(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            # Model(...) constructors, writes and services set markings; only query calls decide.
            if name in LOOKUPS and any(_is_marking_lookup(kw.arg) for kw in node.keywords):
                found.append(f"{filename}:{node.lineno}: {name}(marking...)")
        elif isinstance(node, ast.Compare):
            # `x.marking in allowed`, `x.marking == "clear"`: a visibility decision. Comparing two
            # markings (`target != record.marking`, is a change needed?) is a write's business.
            sides = [node.left, *node.comparators]
            decides = any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops) or any(
                isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides)
            if decides and any(isinstance(s, ast.Attribute) and s.attr == "marking" for s in sides):
                found.append(f"{filename}:{node.lineno}: compares .marking")
    return found


def test_no_module_outside_outbound_filters_on_markings():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if RULE in path.parents or "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py":
            continue
        bad += offences(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert bad == [], "marking decisions outside sharing.outbound:\n" + "\n".join(bad)


def test_the_checker_sees_the_shapes_it_must_refuse_and_allows_writes():
    refused = [
        "qs.filter(marking__in=allowed)", "qs.exclude(marking='red')", "Q(claim__marking='clear')",
        "Count('stations', filter=Q(stations__marking__in=x))", "if org.marking not in allowed: pass",
        "ok = obj.marking == 'clear'",
    ]
    for line in refused:
        assert offences(line, "x.py"), line
    allowed = [
        "Station.objects.create(name_en='a', marking='amber')", "obj.marking = 'clear'",
        "qs.update(marking='clear')", "Evidence(marking=m)", "services.station_create(marking=MARKING)",
        "rec['marking'] = obj.marking", "changed = target != record.marking",
    ]
    for line in allowed:
        assert not offences(line, "x.py"), line
