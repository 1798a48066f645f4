"""Views of the public record kept in the cache under the record's version.

`api_selectors.map_fingerprint()` is the registry's version (`record_version.py`), which database
triggers move on every write to a table the publication rule reads, whatever the path (services,
imports, bulk `update()`, raw SQL, deletes). So anything derived only from the public record (the
API's map data, the home page's map, timeline and counts, the comparison table, the parts of a
country page) can be kept under it: nothing stays on a page after it stops being public. The key
also carries what else the view depends on (language, region, "as of" day, page number).
MAP_CACHE_SECONDS only bounds how long an unused entry stays in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from . import api_selectors

MAP_CACHE_SECONDS = 60

T = TypeVar("T")


def fingerprint() -> str:
    """The record version, hashed: a cache key part, and the map data's ETag."""
    return hashlib.sha256(api_selectors.map_fingerprint().encode()).hexdigest()[:32]


def under_fingerprint(name: str, build: Callable[[], T], current: str | None = None) -> T:
    """`build()`, kept under `name` and the fingerprint (`current`, when the caller has computed
    it already for this request)."""
    key = f"tnrwatch:{name}:{current or fingerprint()}"
    cached = cache.get(key)
    if cached is None:
        cached = build()
        cache.set(key, cached, MAP_CACHE_SECONDS)
    return cached
