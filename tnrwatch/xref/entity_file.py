"""Reading a FollowTheMoney entity file (JSON lines, as `ftm` and Aleph write them). No Django import.

Threat model: the file comes from a partner or an open dataset and may be huge (hundreds of MB),
truncated, in another encoding, or hostile (a single line of gigabytes, deeply nested JSON,
properties that are not in the schema). The reader never holds more than one line of at most
`max_line_bytes` in memory: a longer line is skipped in bounded chunks and reported, and every
entity read goes to a `Spool` on disk (a temporary SQLite file), not into a list. Each line that
cannot be used becomes a `Problem` (its line number, what is wrong, in words) and the entity is left
out whole: an entity is used with all its properties or not at all. Fragments of one entity (the
same id on several lines, as `ftm` writes them before `ftm aggregate`) are merged.

Ties (Membership, Directorship, UnknownLink, ...) are checked once the whole file is read: one whose
ends are not in the file (nor known to the caller) or that ties an entity to itself is reported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

MAX_LINE_BYTES = 4 * 1024 * 1024  # one entity; real FtM entities are a few KB
MAX_ID_CHARS = 1024
MAX_PROBLEMS_KEPT = 1000  # listed one by one; the counts are always exact
_SKIP_CHUNK = 1024 * 1024

# Kinds of problem, and what each means (shown on the run's page and by the command).
PROBLEM_KINDS: dict[str, str] = {
    "malformed": "not a JSON object (broken line, wrong encoding)",
    "too_long": "line longer than the limit; skipped unread",
    "missing_id": "no entity id",
    "unknown_schema": "schema not in FollowTheMoney's model",
    "bad_property": "property unknown to the schema, or a value it cannot hold",
    "missing_entity": "tie to an entity that is neither in the file nor in the record",
    "self_tie": "tie from an entity to itself",
}


@dataclass(frozen=True)
class Problem:
    line: int
    kind: str
    message: str
    entity_id: str = ""


@dataclass
class ReadSummary:
    lines: int = 0
    entities: int = 0  # distinct ids kept
    fragments_merged: int = 0
    ties: int = 0
    problem_counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS_KEPT

    def add(self, problem: Problem) -> None:
        self.problem_counts[problem.kind] = self.problem_counts.get(problem.kind, 0) + 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def refused(self) -> int:
        return sum(self.problem_counts.values())


class Spool:
    """The entities of one file, on disk: `put` merges fragments, `get` reads one back, `entities`
    streams them all. A SQLite file in a folder the caller owns (and removes)."""

    def __init__(self, folder: Path, name: str = "spool") -> None:
        self.path = folder / f"{name}.sqlite3"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE entity (id TEXT PRIMARY KEY, line INTEGER, schema TEXT, data TEXT, edge INTEGER)")
        self.db.execute("CREATE TABLE ref (src TEXT, prop TEXT, target TEXT, line INTEGER)")
        self.db.execute("BEGIN")

    def put(self, proxy: EntityProxy, line: int) -> bool:
        """Store `proxy`; True when it was merged into a fragment already stored."""
        row = self.db.execute("SELECT data FROM entity WHERE id = ?", (proxy.id,)).fetchone()
        merged = row is not None
        if merged:
            held = model.get_proxy(json.loads(row[0]), cleaned=True)
            held.merge(proxy)  # raises InvalidData when the schemata have no common child
            proxy = held
        data = json.dumps(proxy.to_dict(), ensure_ascii=False)
        self.db.execute("INSERT OR REPLACE INTO entity (id, line, schema, data, edge) VALUES (?, ?, ?, ?, ?)",
                        (proxy.id, line, proxy.schema.name, data, int(proxy.schema.edge)))
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                self.db.execute("INSERT INTO ref VALUES (?, ?, ?, ?)", (proxy.id, prop.name, value, line))
        return merged

    def get(self, entity_id: str) -> EntityProxy | None:
        row = self.db.execute("SELECT data FROM entity WHERE id = ?", (entity_id,)).fetchone()
        return model.get_proxy(json.loads(row[0]), cleaned=True) if row else None

    def entities(self, *, matchable_only: bool = False) -> Iterator[EntityProxy]:
        query = "SELECT data, schema FROM entity ORDER BY id"
        for data, schema in self.db.execute(query):
            held = model.get(schema)
            if matchable_only and (held is None or not held.matchable):
                continue
            yield model.get_proxy(json.loads(data), cleaned=True)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM entity").fetchone()[0]

    def drop(self, entity_id: str) -> None:
        self.db.execute("DELETE FROM entity WHERE id = ?", (entity_id,))
        self.db.execute("DELETE FROM ref WHERE src = ?", (entity_id,))

    def close(self) -> None:
        self.db.close()


def _lines(stream: IO[bytes], max_line_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line past the limit, skipped in chunks."""
    number = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            while True:  # the rest of the huge line, a bounded chunk at a time, never kept
                rest = stream.readline(min(_SKIP_CHUNK, max_line_bytes + 1))
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, raw


def _parse(raw: bytes, line: int) -> EntityProxy | Problem | None:
    try:
        text = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return Problem(line, "malformed", "not UTF-8 text")
    if not text:
        return None  # a blank line (e.g. at the end) is not an entity
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return Problem(line, "malformed", f"not JSON ({str(exc)[:120]})")
    if not isinstance(data, dict):
        return Problem(line, "malformed", f"a JSON {type(data).__name__}, not an object")
    entity_id = data.get("id")
    if not isinstance(entity_id, str) or not entity_id.strip():
        return Problem(line, "missing_id", "the entity has no id")
    if len(entity_id) > MAX_ID_CHARS:
        return Problem(line, "missing_id", f"the id is longer than {MAX_ID_CHARS} characters")
    schema_name = data.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        return Problem(line, "unknown_schema", f"unknown schema {str(schema_name)[:80]!r}", entity_id)
    if schema.abstract:
        return Problem(line, "unknown_schema", f"{schema.name} is an abstract schema", entity_id)
    props = data.get("properties", {})
    if not isinstance(props, dict):
        return Problem(line, "bad_property", "properties is not an object", entity_id)
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None:
            return Problem(line, "bad_property", f"{schema.name} has no property {str(name)[:80]!r}", entity_id)
        values = values if isinstance(values, list) else [values]
        for value in values:
            if not isinstance(value, str):
                return Problem(line, "bad_property", f"{name}: a {type(value).__name__}, not text", entity_id)
            if prop.type.clean(value, proxy=None) is None:
                return Problem(line, "bad_property", f"{name}: {value[:80]!r} is not a valid {prop.type.name}", entity_id)
    try:
        return model.get_proxy({"id": entity_id, "schema": schema.name, "properties": props}, cleaned=False)
    except InvalidData as exc:
        return Problem(line, "bad_property", str(exc)[:200], entity_id)


def read_entity_file(stream: IO[bytes], spool: Spool, *, known_id: Callable[[str], bool] = lambda _id: False,
                     max_line_bytes: int = MAX_LINE_BYTES,
                     on_progress: Callable[[int], None] | None = None) -> ReadSummary:
    """Read `stream` line by line into `spool`; what could not be used is in the summary's problems.
    `known_id(id)` says whether an id a tie points to exists outside the file (in the record)."""
    summary = ReadSummary()
    for line, raw in _lines(stream, max_line_bytes):
        summary.lines = line
        if on_progress is not None and line % 10_000 == 0:
            on_progress(line)
        if raw is None:
            summary.add(Problem(line, "too_long", f"longer than {max_line_bytes} bytes; skipped"))
            continue
        parsed = _parse(raw, line)
        if parsed is None:
            continue
        if isinstance(parsed, Problem):
            summary.add(parsed)
            continue
        try:
            if spool.put(parsed, line):
                summary.fragments_merged += 1
        except InvalidData as exc:
            summary.add(Problem(line, "unknown_schema", f"fragment does not fit the entity read before: {exc}"[:200],
                                parsed.id or ""))
    _check_ties(spool, summary, known_id)
    summary.entities = spool.count()
    return summary


def _check_ties(spool: Spool, summary: ReadSummary, known_id: Callable[[str], bool]) -> None:
    """Ties whose ends are missing, or the same entity, are reported and left out."""
    bad: dict[str, Problem] = {}
    rows = spool.db.execute(
        "SELECT r.src, r.prop, r.target, r.line, e.id IS NULL, s.edge FROM ref r "
        "LEFT JOIN entity e ON e.id = r.target JOIN entity s ON s.id = r.src ORDER BY r.line, r.src")
    for src, prop, target, line, missing, _edge in rows.fetchall():
        if src in bad:
            continue
        if missing and not known_id(target):
            bad[src] = Problem(line, "missing_entity", f"{prop} points to {target[:80]!r}, which is neither in the "
                                                       "file nor in the record", src)
    for src, line in spool.db.execute("SELECT id, line FROM entity WHERE edge = 1 ORDER BY line").fetchall():
        if src in bad:
            continue
        proxy = spool.get(src)
        assert proxy is not None
        source, target = proxy.schema.source_prop, proxy.schema.target_prop
        if source is not None and target is not None and set(proxy.get(source)) & set(proxy.get(target)):
            bad[src] = Problem(line, "self_tie", f"{proxy.schema.name} ties {proxy.first(source)!r} to itself", src)
        else:
            summary.ties += 1
    for problem in sorted(bad.values(), key=lambda p: p.line):
        spool.drop(problem.entity_id)
        summary.add(problem)


def problem_kinds() -> dict[str, str]:
    return dict(PROBLEM_KINDS)


def entity_caption(data: dict[str, Any]) -> str:
    try:
        return model.get_proxy(data, cleaned=True).caption[:300]
    except (InvalidData, TypeError, KeyError):
        return str(data.get("id", ""))[:300]
