"""Thin views: no view module writes to the database itself; writes are services' (STYLE.md).

Walks every view module of the project (`views.py`, a `views/` package, `*_views.py`, `taxii.py`,
the API package) and fails on a write through a model's manager or a queryset
(`X.objects.create(...)`, `.filter(...).update(...)`, `.delete()`, `bulk_create`...) or through an
instance or a model form (`obj.save()`, `form.save()`). A view calls a service instead, which
writes its audit row in the same transaction.

The same checker walks every other module too: outside an app's `services` module or package, an
ORM write fails the test unless the module is on `WRITES_ELSEWHERE`, with the reason it is there.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # tnrwatch/
WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete", "save",
          "add", "remove", "clear", "set"}
QUERY_STEPS = {"objects", "filter", "exclude", "all", "select_for_update", "_base_manager", "_default_manager"}
ALWAYS = {"bulk_create", "bulk_update", "get_or_create", "update_or_create", "save"}
# `.delete()`, `.add()`... are writes on a manager, a queryset or a related manager (`obj.tags.add`).
RELATED = {"add", "remove", "clear", "set"}


def is_view_module(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return (path.name == "views.py" or path.name.endswith("_views.py") or "views" in parts[:-1]
            or path.name == "taxii.py" or (len(parts) > 2 and parts[-2] == "api"))


def _chain(node: ast.AST) -> list[str]:
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def offences(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITES:
            continue
        receiver = _chain(node.func.value)
        through_query = bool(QUERY_STEPS & set(receiver))
        # `request.session.save()` is no database write of ours; `super().save()` is a model's own
        # `save()` override handing on (the caller's write is what is checked).
        if method in ALWAYS and not (method == "save" and receiver[:1] in (["session"], ["super"])):
            found.append(f"{filename}:{node.lineno}: .{method}()")
        elif method in ("create", "update", "delete") and through_query:
            found.append(f"{filename}:{node.lineno}: .{method}() on a queryset")
        elif method == "delete" and not node.args and receiver and receiver[-1] not in ("request", "response", "messages"):
            found.append(f"{filename}:{node.lineno}: .delete()")
        elif method in RELATED and through_query:
            found.append(f"{filename}:{node.lineno}: .{method}() on a related manager")
    return found


def test_no_view_module_writes_through_the_orm():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or not is_view_module(path):
            continue
        bad += offences(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))
    assert bad == [], "ORM writes in view modules (call a service):\n" + "\n".join(bad)


def is_services_module(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return path.name == "services.py" or "services" in parts[:-1]


# Modules outside `services` that still write, each with why. Owed (issue 15): take one off once its
# writes have moved into its app's services; never add one.
WRITES_ELSEWHERE = {
    "xref/synthetic.py": "a benchmark and test generator's bulk load of a synthetic record, never the real one",
    "core/backup.py": "a restore forgets the archived sessions in the restored database, inside the restore",
    "search/tasks.py": "the index's own purge queue, emptied by the task that purges the index",
}


def test_no_module_outside_services_writes_through_the_orm():
    bad, stale = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if ("tests" in rel.parts or "migrations" in rel.parts or path.name == "conftest.py"
                or is_services_module(path)):
            continue
        found = offences(path.read_text(encoding="utf-8"), str(rel))
        if str(rel) in WRITES_ELSEWHERE:
            stale += [] if found else [str(rel)]
        else:
            bad += found
    assert bad == [], "ORM writes outside services (move them into the app's services):\n" + "\n".join(bad)
    assert stale == [], f"no longer writes, take it off WRITES_ELSEWHERE: {stale}"


def test_the_checker_sees_writes_and_allows_reads():
    refused = [
        "Report.objects.create(state='new')", "Partner.objects.filter(pk=1).update(active=False)",
        "obj.save()", "form.save()", "Claim.objects.filter(pk=pk).delete()", "entry.delete()",
        "AuditEntry.objects.bulk_create(rows)", "Tag.objects.get_or_create(name='x')",
    ]
    for line in refused:
        assert offences(line, "x.py"), line
    allowed = [
        "Partner.objects.filter(active=True)", "context.update(extra)", "params.update({'a': 1})",
        "request.session.save()", "services.partner_update(actor=u, partner=p)", "seen.add(x)",
        "response.delete_cookie('x')", "super().save(*args, **kwargs)",
    ]
    for line in allowed:
        assert not offences(line, "x.py"), line
