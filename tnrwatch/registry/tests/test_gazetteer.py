"""`city_lookup`: the offline city look-up that gives new places their coordinates."""

from __future__ import annotations

from tnrwatch.gazetteer.cities import city_lookup


def test_city_lookup_folds_accents_and_case_and_reads_alternate_names():
    zurich = city_lookup("Zurich", "ch")
    assert zurich is not None and zurich["name"] == "Zürich" and zurich["country"] == "CH"
    assert city_lookup("ZÜRICH", "CH") == zurich
    # geonames' alternate names include the Chinese spelling.
    assert city_lookup("温州", "CN") == city_lookup("Wenzhou", "CN")


def test_city_lookup_is_per_country_and_prefers_the_most_populous():
    paris_fr, paris_us = city_lookup("Paris", "FR"), city_lookup("Paris", "US")
    assert paris_fr is not None and paris_us is not None
    assert paris_fr["geonameid"] != paris_us["geonameid"]
    assert paris_fr["population"] > 2_000_000
    assert set(paris_fr) == {"name", "latitude", "longitude", "geonameid", "population", "country"}


def test_city_lookup_of_an_unknown_name_is_none():
    assert city_lookup("Nowhere-in-particular", "FR") is None
