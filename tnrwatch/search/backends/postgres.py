"""PostgreSQL: a generated `tsvector` column on `search_entry` with a GIN index, and a pg_trgm GIN
index on the squashed names.

The vector is `to_tsvector('simple', ...)` of the terms made by `text.index_terms` (already folded:
case, accents, full width, Traditional -> Simplified), title weighted A, names B, body D; ranked by
`ts_rank_cd`. 'simple' (no stemming, no stop words) keeps phrases exact and treats Chinese bigrams
as words. `unaccent` is not needed: the folding is done once in Python for both engines, so they
match the same things. The `pg_trgm` extension is created by the migration (a trusted extension
since PostgreSQL 13: the database owner may create it).

A deleted row's vector stays in dead tuples until VACUUM; `purge` runs it on the table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from ..text import Query, query_stems
from .base import COUNT_CAP, RANK_ALL, Backend, Hit, Where


def tsquery(query: Query) -> tuple[str, list[Any]]:
    """The tsquery of `query`, built from functions (the user's text never meets tsquery syntax)."""
    parts: list[str] = []
    params: list[Any] = []
    for unit in query.units:
        if unit.prefix:
            *head, last = unit.terms
            term = "'" + last + "':*"  # terms are letters and digits only: no quote can occur
            if head:
                parts.append("(phraseto_tsquery('simple', %s) <-> to_tsquery('simple', %s))")
                params += [" ".join(head), term]
            else:
                parts.append("to_tsquery('simple', %s)")
                params.append(term)
        elif len(unit.terms) == 1 and (stems := query_stems(unit.terms[0])):
            # The word, or any stemmer's stem of it (documents carry their stems with weight C);
            # terms are letters and digits only, so no quote can occur.
            parts.append("to_tsquery('simple', %s)")
            params.append(" | ".join("'" + t + "'" for t in dict.fromkeys([unit.terms[0], *stems])))
        else:
            parts.append("phraseto_tsquery('simple', %s)")
            params.append(" ".join(unit.terms))
    return " && ".join(parts), params


# The entry columns that access rules and filters (`Where`) may name, carried by the candidates.
_COLUMNS = "x.id, x.kind, x.object_id, x.countries, x.language, x.published, x.publisher"


class PostgresBackend(Backend):
    vendor = "postgresql"

    def install(self) -> None:
        with self.conn.cursor() as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            stems = "setweight(to_tsvector('simple', stems), 'C') || " if self.has_stems() else ""  # from migration 0006
            c.execute("ALTER TABLE search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS ("  # noqa: S608 - fixed SQL
                      "setweight(to_tsvector('simple', title), 'A') || "
                      "setweight(to_tsvector('simple', names), 'B') || "
                      f"{stems}setweight(to_tsvector('simple', body), 'D')) STORED")
            c.execute("CREATE INDEX search_entry_document ON search_entry USING gin (document)")
            # Titles and names alone: small (never toasted), for ranking a common word's best tier.
            c.execute("ALTER TABLE search_entry ADD COLUMN head tsvector GENERATED ALWAYS AS ("
                      "setweight(to_tsvector('simple', title), 'A') || "
                      "setweight(to_tsvector('simple', names), 'B')) STORED")
            c.execute("CREATE INDEX search_entry_head ON search_entry USING gin (head)")
            c.execute("CREATE INDEX search_entry_names_trgm ON search_entry USING gin (names_raw gin_trgm_ops)")

    def uninstall(self) -> None:
        with self.conn.cursor() as c:
            c.execute("DROP INDEX IF EXISTS search_entry_names_trgm")
            c.execute("DROP INDEX IF EXISTS search_entry_document")
            c.execute("DROP INDEX IF EXISTS search_entry_head")
            c.execute("ALTER TABLE search_entry DROP COLUMN IF EXISTS head")
            c.execute("ALTER TABLE search_entry DROP COLUMN IF EXISTS document")

    @contextmanager
    def _index_only(self) -> Iterator[Any]:
        """A cursor in a transaction where the planner does not scan the table (it prices a
        sequential scan without the cost of unpacking every row's toasted tsvector, and chose one
        over the GIN index for a 30,000-row table: 400 ms instead of 10 ms at 10k sources).

        JIT off in the same transaction: with sequential scans disabled, a small table the rule
        reads without an index is priced at the disabled cost (10^10), the statement's cost passes
        `jit_above_cost` and its inlining and optimisation thresholds, and the server compiled the
        rule's statement with LLVM on every search: 25 s for "police" on the demo record, where
        the same statement with JIT off plans in 80 ms and runs in 5 ms (EXPLAIN ANALYZE)."""
        with transaction.atomic(using=self.conn.alias), self.conn.cursor() as c:
            c.execute("SET LOCAL enable_seqscan = off")
            c.execute("SET LOCAL jit = off")
            yield c

    def purge(self) -> bool:
        if self.conn.in_atomic_block:
            return False  # VACUUM cannot run in a transaction: the purge stays owed
        with self.conn.cursor() as c:
            c.execute("VACUUM search_entry")
        return True

    def match(self, query: Query, where: Where, limit: int, offset: int, recent: bool = False,
              kinds: Sequence[str] = ()) -> list[Hit]:
        """Ranked by `ts_rank_cd` on a bounded set of candidates (see `SqliteBackend.match`): a query
        with at most `RANK_ALL` matches of the group's kinds is ranked whole; a commoner one on two
        tiers, the records holding it in their title or names (the small `head` vector and its own
        GIN index), then `RANK_ALL` records holding it anywhere, in the order the GIN bitmap yields
        them (physical order, about the order they were added). `ts_rank_cd` reads each
        candidate's whole toasted vector (~90 us each), so bounding the candidates is what bounds
        the time.

        The candidates are a `MATERIALIZED` CTE named `e`, read through the GIN index alone, and
        only they meet the access rule and the filters (`where`, which names `e`): with the rule's
        `EXISTS` in the same query block the planner judged it selective and costly, and walked
        every entry of the kind through the (kind, object_id) index testing `@@` on each one's
        detoasted vector instead (1.0 s for the claims of a 10k archive: EXPLAIN ANALYZE, Rows
        Removed by Filter: 20,000; the 1-7 s searches of the first bench)."""
        tsq, tparams = tsquery(query)
        sql, params = where
        kinds = list(kinds)
        kind_sql = "AND x.kind = ANY(%s)" if kinds else ""
        kparams = [kinds] if kinds else []
        n = max(RANK_ALL, offset + limit)  # the same window for every page: stable paging
        with self._index_only() as c:
            while True:
                if recent:
                    total = 0
                else:
                    c.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_entry x WHERE x.document @@ ({tsq}) "  # noqa: S608
                              f"{kind_sql} LIMIT %s) AS capped", [*tparams, *kparams, n + 1])
                    total = c.fetchone()[0]
                    if total == 0:
                        # Nothing to rank, and nothing for the rule to plan: the claim rule alone costs
                        # the server ~90 ms of planning (of <1 ms running), a group's only real cost.
                        return []
                if recent or total <= n:
                    # Every match is a candidate (at most n); the tsquery is written out (not joined
                    # from a subselect) so the planner estimates its selectivity from the statistics.
                    rank, order, rparams = ("0", "e.id DESC", []) if recent else (f"ts_rank_cd(x.document, {tsq})", "e.r DESC, e.id", tparams)
                    c.execute(f"WITH e AS MATERIALIZED (SELECT {_COLUMNS}, {rank} AS r FROM search_entry x "  # noqa: S608 - fixed SQL, bound values
                              f"WHERE x.document @@ ({tsq}) {kind_sql}) "
                              f"SELECT e.kind, e.object_id FROM e WHERE ({sql}) ORDER BY {order} LIMIT %s OFFSET %s",
                              [*rparams, *tparams, *kparams, *params, limit, offset])
                    return [Hit(k, i) for k, i in c.fetchall()]
                self.windowed = True
                c.execute(f"WITH e AS MATERIALIZED (SELECT DISTINCT ON (id) * FROM ("  # noqa: S608 - fixed SQL, bound values
                          f"(SELECT {_COLUMNS}, 0 AS tier, ts_rank_cd(x.head, {tsq}) AS r FROM search_entry x "
                          f"WHERE x.head @@ ({tsq}) {kind_sql} LIMIT %s) UNION ALL "
                          f"(SELECT {_COLUMNS}, 1 AS tier, ts_rank_cd(x.document, {tsq}) AS r FROM search_entry x "
                          f"WHERE x.document @@ ({tsq}) {kind_sql} LIMIT %s)) AS both_tiers ORDER BY id, tier) "
                          f"SELECT e.kind, e.object_id FROM e WHERE ({sql}) "
                          f"ORDER BY e.tier, e.r DESC, e.id LIMIT %s OFFSET %s",
                          [*tparams, *tparams, *kparams, n, *tparams, *tparams, *kparams, n, *params, limit, offset])
                rows = c.fetchall()
                if len(rows) == limit:
                    return [Hit(k, i) for k, i in rows]
                n *= 8  # the rule or the kinds left the page short: a wider window, exact once it holds all

    def count(self, query: Query, where: Where, cap: int = COUNT_CAP, kinds: Sequence[str] = ()) -> int:
        """Readable matches, up to `cap` + 1: the matches come from the GIN index alone (a
        `MATERIALIZED` CTE, read only as far as the count needs), then meet the rule (see `match`)."""
        tsq, tparams = tsquery(query)
        sql, params = where
        kinds = list(kinds)
        kind_sql = "AND x.kind = ANY(%s)" if kinds else ""
        with self._index_only() as c:
            c.execute(f"WITH e AS MATERIALIZED (SELECT {_COLUMNS} FROM search_entry x WHERE x.document @@ ({tsq}) {kind_sql}) "  # noqa: S608
                      f"SELECT count(*) FROM (SELECT 1 FROM e WHERE ({sql}) LIMIT %s) AS capped",
                      [*tparams, *([kinds] if kinds else []), *params, cap + 1])
            return c.fetchone()[0]

    def names_match(self, squashed: str, where: Where, limit: int) -> list[Hit]:
        sql, params = where
        with self.conn.cursor() as c:  # the trigram index's matches first, then the rule (see `match`)
            c.execute(f"WITH e AS MATERIALIZED (SELECT {_COLUMNS}, length(x.names_raw) AS length FROM search_entry x "  # noqa: S608
                      f"WHERE x.names_raw LIKE %s) SELECT e.kind, e.object_id FROM e WHERE ({sql}) "
                      "ORDER BY e.length, e.id LIMIT %s", ["%" + squashed + "%", *params, limit])
            return [Hit(k, i) for k, i in c.fetchall()]

    def size_bytes(self) -> int:
        with self.conn.cursor() as c:
            c.execute("SELECT pg_total_relation_size('search_entry')")
            return int(c.fetchone()[0] or 0)
