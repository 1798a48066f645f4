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

from ..text import Query, fts5_match
from .base import COUNT_CAP, Backend, Hit, Row, Where


class SqliteBackend(Backend):
    vendor = "sqlite"

    def install(self) -> None:
        with self.conn.cursor() as c:
            c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(title, names, body, "
                      "content='search_entry', content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
            c.execute("INSERT INTO search_words(search_words, rank) VALUES('rank', 'bm25(10.0, 5.0, 1.0)')")
            c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_names USING fts5(names_raw, "
                      "content='search_entry', content_rowid='id', tokenize='trigram')")
        self.tune()

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
            c.executemany("INSERT INTO search_words(rowid, title, names, body) VALUES (%s, %s, %s, %s)",
                          [r[:4] for r in rows])
            c.executemany("INSERT INTO search_names(rowid, names_raw) VALUES (%s, %s)",
                          [(r[0], r[4]) for r in rows if r[4]])

    def removing(self, rows: list[Row]) -> None:
        with self.conn.cursor() as c:
            c.executemany("INSERT INTO search_words(search_words, rowid, title, names, body) "
                          "VALUES ('delete', %s, %s, %s, %s)", [r[:4] for r in rows])
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

    def _matching(self, query: Query, where: Where) -> tuple[str, list]:
        sql, params = where
        return (f"FROM search_words JOIN search_entry e ON e.id = search_words.rowid "
                f"WHERE search_words MATCH %s AND ({sql})", [fts5_match(query), *params])

    def match(self, query: Query, where: Where, limit: int, offset: int, recent: bool = False) -> list[Hit]:
        sql, params = self._matching(query, where)
        order = "e.id DESC" if recent else "search_words.rank, e.id"
        with self.conn.cursor() as c:
            c.execute(f"SELECT e.kind, e.object_id {sql} ORDER BY {order} LIMIT %s OFFSET %s",  # noqa: S608 - fixed SQL, bound values
                      [*params, limit, offset])
            return [Hit(k, i) for k, i in c.fetchall()]

    def count(self, query: Query, where: Where, cap: int = COUNT_CAP) -> int:
        sql, params = self._matching(query, where)
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
