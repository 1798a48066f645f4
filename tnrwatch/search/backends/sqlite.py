"""SQLite: two FTS5 tables over `search_entry` (external content, so the terms are stored once).

- `search_words` (title, names, body), tokenizer `unicode61 remove_diacritics 2`: the terms made by
  `text.index_terms` (words, and CJK bigrams), ranked by BM25 with the title weighted 10, names 5
  and the body 1 (set once as the table's `rank`).
- `search_names` (names_raw), tokenizer `trigram`: substrings of names of three characters or more
  (partial names, pinyin written without spaces).

External content tables need the old values to delete a row, which `removing` reads from the entry
row before it changes. A deleted row leaves "delete" keys in the FTS5 b-tree, which hide it from
every query at once, while the segment that held it keeps its terms until merged; `purge` merges
them all (`optimize`), off the request (`search.tasks`), and the connection runs with
`secure_delete=ON` (settings), so freed pages are zeroed. SQLite 3.40 (Debian 12) predates FTS5's
own `secure-delete` option (3.44), which removes a deleted row's terms in place: `tune` turns it on
where the library has it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ..text import Query, fts5_match
from .base import COUNT_CAP, RANK_ALL, Backend, Hit, Row, Where

# `kind` is indexed too (weight 0: it never ranks), so a group's kinds narrow the matches inside
# FTS5, before any row of ours is read: a word common among claims costs a source search nothing.
# The stems column joined in migration 0006; earlier migrations build the table without it.
WORDS_COLUMNS = "title, names, body, stems, kind"
WORDS_RANK = "bm25(10.0, 5.0, 1.0, 0.5, 0.0)"
WORDS_COLUMNS_BEFORE_STEMS = "title, names, body, kind"
WORDS_RANK_BEFORE_STEMS = "bm25(10.0, 5.0, 1.0, 0.0)"


class SqliteBackend(Backend):
    vendor = "sqlite"

    def install(self) -> None:
        with self.conn.cursor() as c:
            columns, rank = (WORDS_COLUMNS, WORDS_RANK) if self.has_stems() else (WORDS_COLUMNS_BEFORE_STEMS, WORDS_RANK_BEFORE_STEMS)
            c.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5({columns}, "
                      "content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
            c.execute(f"INSERT INTO search_words(search_words, rank) VALUES('rank', '{rank}')")
            c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_names USING fts5(names_raw, "
                      "content='search_entry', content_rowid='id', tokenize='trigram')")
        self.tune()

    def rebuild(self) -> None:
        with self.conn.cursor() as c:
            c.execute("INSERT INTO search_words(search_words) VALUES ('rebuild')")
            c.execute("INSERT INTO search_names(search_names) VALUES ('rebuild')")

    def tune(self) -> None:
        """Options kept in the tables' own configuration: FTS5 'secure-delete' where available."""
        if sqlite3.sqlite_version_info < (3, 44):
            return
        with self.conn.cursor() as c:
            for table in ("search_words", "search_names"):
                c.execute(f"INSERT INTO {table}({table}, rank) VALUES('secure-delete', 1)")  # noqa: S608 - fixed names

    def uninstall(self) -> None:
        with self.conn.cursor() as c:
            c.execute("DROP TABLE IF EXISTS search_words")
            c.execute("DROP TABLE IF EXISTS search_names")

    def added(self, rows: list[Row]) -> None:
        with self.conn.cursor() as c:
            c.executemany("INSERT INTO search_words(rowid, title, names, body, stems, kind) "
                          "VALUES (%s, %s, %s, %s, %s, %s)", [(*r[:4], r[6], r[5]) for r in rows])
            c.executemany("INSERT INTO search_names(rowid, names_raw) VALUES (%s, %s)",
                          [(r[0], r[4]) for r in rows if r[4]])

    def removing(self, rows: list[Row]) -> None:
        with self.conn.cursor() as c:
            c.executemany("INSERT INTO search_words(search_words, rowid, title, names, body, stems, kind) "
                          "VALUES ('delete', %s, %s, %s, %s, %s, %s)", [(*r[:4], r[6], r[5]) for r in rows])
            c.executemany("INSERT INTO search_names(search_names, rowid, names_raw) VALUES ('delete', %s, %s)",
                          [(r[0], r[4]) for r in rows if r[4]])

    def cleared(self) -> None:
        with self.conn.cursor() as c:
            c.execute("INSERT INTO search_words(search_words) VALUES ('delete-all')")
            c.execute("INSERT INTO search_names(search_names) VALUES ('delete-all')")

    def purge(self) -> bool:
        with self.conn.cursor() as c:
            c.execute("INSERT INTO search_words(search_words) VALUES ('optimize')")
            c.execute("INSERT INTO search_names(search_names) VALUES ('optimize')")
        return True

    def _matching(self, query: Query, where: Where, kinds: Sequence[str] = ()) -> tuple[str, list]:
        sql, params = where
        return (f"FROM search_words JOIN search_entry e ON e.id = search_words.rowid "
                f"WHERE search_words MATCH %s AND ({sql})", [_expression(query, kinds), *params])

    def match(self, query: Query, where: Where, limit: int, offset: int, recent: bool = False,
              kinds: Sequence[str] = ()) -> list[Hit]:
        """Ranked by BM25 inside FTS5 on a bounded set of candidates, then joined with the entries,
        the kinds and the access rule (one `EXISTS` each) only for those candidates.

        BM25 costs a read of every match's positions (~10 us each): 0.2 s for a word in 20,000
        records, 2 s in 200,000. A query with at most `RANK_ALL` matches is ranked whole (FTS5's
        `ORDER BY rank LIMIT n`: its own sorter, no row of ours read). A commoner one is ranked on
        two tiers: the records holding it in their title or names (ranked among themselves), then
        the most recently added records holding it anywhere, `RANK_ALL` of them (FTS5 walks its
        doclist backwards to find where they start, and a `rowid >=` bound keeps BM25 to them).
        When the rule or the kinds leave a page short, the window grows x8 until it covers every
        match, where the ranking is exact. `self.windowed` tells the caller the ranking was bounded."""
        sql, params = where
        full = _expression(query, kinds)
        head = "{title names} : (" + fts5_match(query) + ")" + _kinds(kinds)
        n = max(RANK_ALL, offset + limit)  # the same window for every page: stable paging
        with self.conn.cursor() as c:
            while True:
                if recent:
                    cte, cparams, order = ("SELECT rowid AS id, 0 AS tier, 0 AS r FROM search_words "
                                           "WHERE search_words MATCH %s ORDER BY rowid DESC LIMIT %s",
                                           [full, n], "c.id DESC")
                elif (body_from := self._window(c, full, n)) is None:  # every match ranked: exact BM25
                    cte, cparams, order = ("SELECT rowid AS id, 0 AS tier, rank AS r FROM search_words "
                                           "WHERE search_words MATCH %s ORDER BY rank LIMIT %s", [full, n], "c.r, c.id")
                else:
                    head_from = self._window(c, head, n)
                    self.windowed = True
                    # min(tier) takes r from the same row (SQLite's bare columns beside min()).
                    cte = ("SELECT id, min(tier) AS tier, r FROM (SELECT * FROM ("
                           "SELECT rowid AS id, 0 AS tier, rank AS r FROM search_words WHERE search_words MATCH %s "
                           "AND rowid >= %s ORDER BY rank LIMIT %s) UNION ALL SELECT * FROM ("
                           "SELECT rowid AS id, 1 AS tier, rank AS r FROM search_words WHERE search_words MATCH %s "
                           "AND rowid >= %s ORDER BY rank LIMIT %s)) GROUP BY id")
                    cparams, order = [head, head_from or 0, n, full, body_from, n], "c.tier, c.r, c.id"
                c.execute(f"WITH c AS ({cte}) SELECT e.kind, e.object_id FROM c JOIN search_entry e ON e.id = c.id "  # noqa: S608 - fixed SQL, bound values
                          f"WHERE ({sql}) ORDER BY {order} LIMIT %s OFFSET %s", [*cparams, *params, limit, offset])
                rows = c.fetchall()
                if len(rows) == limit or self._window(c, full, n) is None:
                    break  # a full page, or the candidates held every match
                n *= 8
        return [Hit(k, i) for k, i in rows]

    @staticmethod
    def _window(c, expression: str, n: int) -> int | None:  # noqa: ANN001 - a cursor
        """The rowid where the newest `n` matches of `expression` start, None when there are no more
        than `n` (read backwards from the end of the doclist: no BM25, no row of ours)."""
        c.execute("SELECT rowid FROM search_words WHERE search_words MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                  [expression, n])
        row = c.fetchone()
        return row[0] + 1 if row else None

    def count(self, query: Query, where: Where, cap: int = COUNT_CAP, kinds: Sequence[str] = ()) -> int:
        sql, params = self._matching(query, where, kinds)
        with self.conn.cursor() as c:
            c.execute(f"SELECT count(*) FROM (SELECT 1 {sql} LIMIT %s)", [*params, cap + 1])  # noqa: S608
            return c.fetchone()[0]

    def names_match(self, squashed: str, where: Where, limit: int) -> list[Hit]:
        sql, params = where
        with self.conn.cursor() as c:
            c.execute("SELECT e.kind, e.object_id FROM search_names JOIN search_entry e ON e.id = search_names.rowid "  # noqa: S608
                      f"WHERE search_names MATCH %s AND ({sql}) ORDER BY search_names.rank, e.id LIMIT %s",
                      ['"' + squashed + '"', *params, limit])
            return [Hit(k, i) for k, i in c.fetchall()]

    def size_bytes(self) -> int:
        with self.conn.cursor() as c:
            try:
                c.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE %s", ["search%"])
                return int(c.fetchone()[0] or 0)
            except Exception:  # noqa: BLE001 - dbstat is an optional compile-time module
                return 0


def _kinds(kinds: Sequence[str]) -> str:
    """The FTS5 condition on the kind column (kinds are fixed words: station, claim, source...)."""
    return " AND {kind} : (" + " OR ".join(f'"{k}"' for k in kinds) + ")" if kinds else ""


def _expression(query: Query, kinds: Sequence[str]) -> str:
    return "(" + fts5_match(query) + ")" + _kinds(kinds)
