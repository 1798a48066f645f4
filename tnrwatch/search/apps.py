from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _clear_engine_if_empty(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`flush` (and the test runner's flush after a transactional test) empties search_entry but not
    SQLite's FTS5 tables, which Django does not know; their entries would point at the next rows
    to reuse the same ids. Flush sends post_migrate afterwards: clear the engine's index then."""
    from django.db import connections

    from .backends import backend
    from .models import SearchEntry

    conn = connections[using]
    if conn.vendor == "sqlite" and "search_entry" in conn.introspection.table_names() \
            and not SearchEntry.objects.using(using).exists():
        backend(conn).cleared()


class SearchConfig(AppConfig):
    name = "tnrwatch.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - deletions leave the index in the same transaction

        post_migrate.connect(_clear_engine_if_empty, sender=self)
