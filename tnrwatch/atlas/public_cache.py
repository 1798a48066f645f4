"""Views of the public record kept in the cache under the public map's fingerprint.

`api_selectors.map_fingerprint()` changes as soon as a station or response enters or leaves the
public record or is saved, so anything derived only from the public stations and responses (the
API's map data, the home page's map, the overall timeline and counts, the comparison table) can be
kept under it: nothing stays on a page after it stops being public. Edits that bypass `save()`
(a bulk `update()` of a name or coordinates) show after at most MAP_CACHE_SECONDS; a change of
marking always changes the fingerprint.
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
    """The public map's fingerprint, hashed: a cache key part, and the map data's ETag."""
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
