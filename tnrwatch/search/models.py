"""The full-text index: one row per searchable record, holding the terms the database engines index.

The rows are written only by `search.services`, from the registry's services, in the same
transaction as the record. What a row holds is already folded (see `text.py`): the record's own
text stays in the registry, and nothing here decides who may read what (hits are joined with
`sharing.outbound` or with the staff scope at query time, so unpublishing a record needs no write
here). The engines' structures on top of this table (FTS5 tables on SQLite; a generated tsvector
column with a GIN index and a pg_trgm index on PostgreSQL) are made by migration 0002 through the
backend of the database in use.
"""

from __future__ import annotations

from django.db import models

# Kinds of records in the index; entities are the registry's named things.
ENTITY_KINDS = ("station", "organization", "response", "person")
KINDS = (*ENTITY_KINDS, "claim", "source")


class SearchEntry(models.Model):
    kind = models.CharField(max_length=16, choices=[(k, k) for k in KINDS])
    object_id = models.BigIntegerField()
    title = models.TextField(blank=True)  # index terms, weighted highest
    names = models.TextField(blank=True)  # index terms of names, aliases, pinyin, publisher
    body = models.TextField(blank=True)  # index terms of the text
    stems = models.TextField(blank=True)  # Snowball stems of a source's words, in its language (text.stem_terms)
    names_raw = models.TextField(blank=True)  # squashed names ("|"-separated) for the trigram index
    countries = models.CharField(max_length=400, blank=True)  # "|DE|FR|": the ISO codes it concerns
    language = models.CharField(max_length=16, blank=True)
    published = models.DateField(null=True, blank=True)
    publisher = models.CharField(max_length=300, blank=True)  # folded, for the publisher filter

    class Meta:
        db_table = "search_entry"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        indexes = [models.Index(fields=["kind", "published"], name="search_entry_kind_published")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class PendingPurge(models.Model):
    """A deletion whose text may still sit in the engine's old structures (FTS5 segments, dead
    tuples) until the next purge. Written in the deletion's own transaction, so a purge owed is
    never forgotten, even if the process dies before it runs; `search.tasks` removes the rows a
    purge covered."""

    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_purge_pending"

    def __str__(self) -> str:
        return f"purge owed since {self.created:%Y-%m-%d %H:%M:%S}"
