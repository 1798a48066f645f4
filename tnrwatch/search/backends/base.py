"""What every search backend does. SQL here names the index table `search_entry` as `e`.

`where` arguments are (sql, params) pairs built by `search.selectors` from filters and from the
access rule (subqueries compiled from `sharing.outbound` querysets); backends add only the
full-text condition, the ranking and the paging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..text import Query

# Fields of the entry rows, in the order backends receive them: (id, title, names, body, names_raw, kind, stems).
Row = tuple[int, str, str, str, str, str, str]
Where = tuple[str, list[Any]]

COUNT_CAP = 1000  # counts of hits stop here ("1000+"): counting every match is a full scan
# A query with at most this many matches is ranked whole; a commoner one on a bounded window of
# candidates (title and name matches, then the most recent), grown while a page comes out short.
RANK_ALL = 5000


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int


class Backend:
    vendor = ""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.windowed = False  # set by `match` when a common query was ranked on a bounded window

    # structures (migration)
    def install(self) -> None:
        raise NotImplementedError

    def uninstall(self) -> None:
        raise NotImplementedError

    def has_stems(self) -> bool:
        """Whether the entry table has the stems column yet (migrations before 0006 build without it)."""
        with self.conn.cursor() as c:
            return "stems" in {col.name for col in self.conn.introspection.get_table_description(c, "search_entry")}

    def rebuild(self) -> None:
        """Fill the engine's structures from every entry row (after `install` on a filled table)."""

    def tune(self) -> None:
        """Set the engine options a newer engine version offers (idempotent; migrations call it)."""

    # keeping the engine's index in step with search_entry
    def added(self, rows: list[Row]) -> None:
        """Called after these entry rows were inserted or updated."""

    def removing(self, rows: list[Row]) -> None:
        """Called before these entry rows (with their current values) are deleted or updated."""

    def cleared(self) -> None:
        """Called after every entry row was deleted (a rebuild)."""

    def purge(self) -> bool:
        """Make deleted text unrecoverable from the engine's structures (after deletions); whether
        it could (False: not possible here, e.g. inside a transaction)."""
        return True

    # reading
    def match(self, query: Query, where: Where, limit: int, offset: int, recent: bool = False,
              kinds: Sequence[str] = ()) -> list[Hit]:
        """Ranked hits (best first, ties by entry id, so paging is stable); with `recent`, the most
        recently indexed first (for feeds)."""
        raise NotImplementedError

    def count(self, query: Query, where: Where, cap: int = COUNT_CAP, kinds: Sequence[str] = ()) -> int:
        raise NotImplementedError

    def names_match(self, squashed: str, where: Where, limit: int) -> list[Hit]:
        """Entries whose names contain `squashed` (letters and digits only) as a substring."""
        raise NotImplementedError

    def size_bytes(self) -> int:
        """Bytes on disk of the index (entry table and the engine's structures)."""
        raise NotImplementedError
