"""One table of subject types: `registry/subjects.py`, and no second copy anywhere else.

A table of kinds copied into several modules is where the copy nobody updates starts leaking
(STYLE.md, lesson 6: six such tables once lived in atlas, registry, sharing). This walks
every module of the project (tests and migrations aside) and fails on
- a dict literal keyed by three or more subject types whose values are what the registry holds:
  models (`{"station": m.Station, ...}`), model names, workspace slugs, URL names of public pages,
  STIX types or extension kinds, or labels (`_("Station")`); or
- a tuple, list or set literal of five or more subject types and nothing else (a copy of the list
  of kinds, or of one of its roles).
A module asks `registry.subjects` instead (`subject(t).model`, `kinds(exported=True)`...); a
comprehension over `subjects.kinds(...)` is a view of the one table, not a copy. Tables of a
module's own per-kind code or data (its builder functions, colours, column names) are allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tnrwatch.registry import subjects

PACKAGE = Path(__file__).resolve().parents[2]  # tnrwatch/
HOME = PACKAGE / "registry" / "subjects.py"
TYPES = {s.subject_type for s in subjects.SUBJECTS}
MODEL_NAMES = {s.model_name for s in subjects.SUBJECTS}
REGISTRY_VALUES = MODEL_NAMES | {
    value for s in subjects.SUBJECTS
    for value in (s.workspace_slug, s.public_page, s.stix_type, s.stix_extension) if value}
LABEL_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "gettext_noop"}


def _holds_registry_facts(value: ast.AST) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and node.id in MODEL_NAMES:
            return True
        if isinstance(node, ast.Attribute) and node.attr in MODEL_NAMES:
            return True
        if isinstance(node, ast.Constant) and node.value in REGISTRY_VALUES:
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LABEL_CALLS:
            return True
    return False


def _type_names(nodes) -> list[str] | None:
    names = []
    for node in nodes:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        names.append(node.value)
    return names


def offences(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Dict):
            keys = _type_names([k for k in node.keys if k is not None])
            if (keys and len(keys) >= 3 and all(k in TYPES for k in keys)
                    and any(_holds_registry_facts(v) for v in node.values)):
                found.append(f"{filename}:{node.lineno}: a dict keyed by subject types {keys}")
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            names = _type_names(node.elts)
            if names and len(names) >= 5 and all(n in TYPES for n in names):
                found.append(f"{filename}:{node.lineno}: a list of subject types {names}")
    return found


def test_no_module_outside_the_registry_defines_a_table_of_subject_types():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HOME or "tests" in path.parts or "migrations" in path.parts or path.name == "conftest.py":
            continue
        bad += offences(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert bad == [], "tables of subject types outside registry/subjects.py:\n" + "\n".join(bad)


def test_the_checker_sees_tables_and_allows_views_of_the_registry():
    refused = [
        'M = {"station": Station, "organization": Organization, "response": GovernmentResponse}',
        'T = {"organization": "identity", "station": "infrastructure", "claim": "note"}',
        'L = {"station": _("Station"), "organization": _("Organisation"), "person": _("Person")}',
        'U = {"station": "stations", "organization": "organizations", "response": "responses"}',
        'S = ("country", "place", "station", "source", "figure")',
    ]
    for line in refused:
        assert offences(line, "x.py"), line
    allowed = [
        'M = {k.subject_type: k.model for k in subjects.kinds(exported=True)}',
        'pages = {"station": "atlas:station", "stations": 1}',  # not only subject types
        'ENDS = ("person", "organization", "station", "address")',  # a short list of one role's kinds
        'B = {"organization": _units_organization, "station": _units_station, "claim": _units_claim}',
        'FILL = {"station": "#c62828", "organization": "#1565c0", "person": "#6a1b9a"}',
        'qs.filter(subject_type__in=["organization", "station"])',
        'F = {"kind": "station", "type": "x"}',
    ]
    for line in allowed:
        assert not offences(line, "x.py"), line


def test_every_kind_names_a_registry_model_and_exported_kinds_keep_their_stix_order():
    for kind in subjects.SUBJECTS:
        assert kind.model._meta.app_label == "registry", kind
        assert subjects.of_model(kind.model) is kind
    # an exported kind's place is its rank in TAXII paging cursors: new kinds only ever go at the end
    assert subjects.types(exported=True) == ("organization", "station", "response", "incident", "source", "claim",
                                             "person", "address", "tie", "campaign")
    assert subjects.CLAIM_SUBJECT_TYPES[:8] == ("country", "place", "organization", "station", "response",
                                                "incident", "source", "figure")
    assert subjects.by_workspace_slug("stations").subject_type == "station"
    assert subjects.get("nothing") is None
